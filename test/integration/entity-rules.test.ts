import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { createRecord } from '../support/processes.js';
import { RecordRepository } from '../../engine/db/records.js';
import { bindFilterParams } from '../../engine/domain/query/filter.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

type Notification = { kind: string; title: string; body: string; link: { entity?: string; recordId?: string } | null };

async function ruleNotifications(user: string, recordId: string): Promise<Notification[]> {
  const { body } = await (await stack.as(user)).get('/api/notifications?limit=200');
  return (body.items as Notification[]).filter((n) => n.kind === 'rule-warning' && n.link?.recordId === recordId);
}

async function count(entity: string): Promise<number> {
  const { body } = await (await stack.as('admin')).get(`/api/records/${entity}?total=true&limit=1`);
  return body.total;
}

describe('entity rules over HTTP (starter contract and lead rules)', () => {
  it('stores an order above the credit line, returns the warning and notifies the order owner', async () => {
    const sales1 = await stack.as('sales1');
    const customer = await createRecord(sales1, 'customer', { name: 'Hainan dealer', creditLine: 500_000 });
    // an order for another owner is a transfer (sales reps may not): the branch manager enters it for sales2
    const over = await (await stack.as('branchmgr')).post('/api/records/contract', { customer, amount: 600_000, owner: 'sales2' });
    expect(over.status, JSON.stringify(over.body)).toBe(201);
    expect(over.body.warnings).toEqual([{
      code: 'RULE_WARNING', rule: 'credit-line-exceeded', path: '/amount', message: "The customer's open receivables plus the order are above the credit line (C-30)",
      messages: { en: "The customer's open receivables plus the order are above the credit line (C-30)", zh: '客户未结应收账款加本订单金额超过信用额度 (C-30)' },
    }]);
    expect(over.body.data).toMatchObject({ amount: 600_000, status: 'negotiating', number: expect.stringMatching(/^CT-\d{4}-\d{6}$/) });
    // the order is sales2's: sales reps read their own records, the branch manager reads the branch's
    expect((await (await stack.as('branchmgr')).get(`/api/records/contract/${over.body.id}`)).body.data.amount).toBe(600_000);
    const notified = await ruleNotifications('sales2', over.body.id);
    expect(notified).toHaveLength(1);
    expect(notified[0].title).toContain('open receivables plus the order are above the credit line');
    expect(notified[0].body).toContain('客户未结应收账款加本订单金额超过信用额度');
    expect(await ruleNotifications('sales1', over.body.id)).toEqual([]);

    const within = await sales1.post('/api/records/contract', { customer, amount: 500_000 });
    expect(within.status).toBe(201);
    expect(within.body).not.toHaveProperty('warnings');
    expect(await ruleNotifications('sales1', within.body.id)).toEqual([]);

    // warn at creation only: raising the amount later is stored without a warning
    const raised = await sales1.patch(`/api/records/contract/${within.body.id}`, { amount: 900_000 });
    expect(raised.status).toBe(200);
    expect(raised.body).not.toHaveProperty('warnings');
  });

  it('warns about an order for a blacklisted customer; without an owner the creator is notified', async () => {
    const sales1 = await stack.as('sales1');
    // the blacklist reason is hidden from sales reps (starter-pack permissions): the admin records it
    const customer = await createRecord(await stack.as('admin'), 'customer', { name: 'Bad payer', state: 'blacklisted', blacklistReason: 'overdue a month (R-07)' });
    const order = await sales1.post('/api/records/contract', { data: { customer, amount: 10 } });
    expect(order.status).toBe(201);
    expect(order.body.warnings).toEqual([expect.objectContaining({ code: 'RULE_WARNING', rule: 'blacklisted-customer', path: '/data/customer' })]);
    expect(await ruleNotifications('sales1', order.body.id)).toHaveLength(1);
  });

  it('refuses a write that breaks an error rule with 422 at the rule path and writes nothing', async () => {
    const sales1 = await stack.as('sales1');
    const before = await count('lead');
    const refused = await sales1.post('/api/records/lead', { name: 'Trade show contact', source: 'prospecting', status: 'converted' });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: '/intention', code: 'RULE_VIOLATED', message: 'Only a lead with initial intention converts to an opportunity (P-02)' }],
    });
    expect(await count('lead')).toBe(before);

    const lead = await sales1.post('/api/records/lead', { name: 'Trade show contact', source: 'prospecting' });
    expect(lead.status).toBe(201);
    const patch = await sales1.patch(`/api/records/lead/${lead.body.id}`, { status: 'converted' });
    expect(patch.status).toBe(422);
    expect(patch.body.error.details).toEqual([expect.objectContaining({ path: '/intention', code: 'RULE_VIOLATED' })]);
    const stored = await sales1.get(`/api/records/lead/${lead.body.id}`);
    expect(stored.body).toMatchObject({ version: 1, data: { status: 'new' } });
    expect((await sales1.get(`/api/records/lead/${lead.body.id}/history`)).body.items).toHaveLength(1);
    expect((await sales1.patch(`/api/records/lead/${lead.body.id}`, { status: 'converted', intention: true })).status).toBe(200);
  });

  it('runs the rules on imports: an error rule fails its row, a warning rule notifies', async () => {
    const sales1 = await stack.as('sales1');
    const before = await count('lead');
    const bad = await sales1.post('/api/records/lead/import', [
      { name: 'A', source: 'purchased' }, { name: 'B', source: 'purchased', status: 'converted' },
    ]);
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ imported: 0, failed: 1, errors: [{ row: 2, path: '/intention' }] });
    expect(await count('lead')).toBe(before);

    const customer = await createRecord(sales1, 'customer', { name: 'Imported dealer', creditLine: 1_000 });
    // importing for another owner is a transfer: the branch manager's
    const imported = await (await stack.as('branchmgr')).post('/api/records/contract/import', [{ customer, amount: 5_000, owner: 'sales2' }]);
    expect(imported.body).toMatchObject({ imported: 1, failed: 0 });
    const { body } = await (await stack.as('branchmgr')).get(`/api/records/contract?filter=${encodeURIComponent(`record.customer == "${customer}"`)}`);
    expect(await ruleNotifications('sales2', body.items[0].id)).toEqual([expect.objectContaining({ kind: 'rule-warning' })]);
  });

  it('C-30: warns when the open receivables plus the order exceed the line, summed in the write transaction', async () => {
    const admin = await stack.as('admin');
    const sales1 = await stack.as('sales1');
    const customer = await createRecord(sales1, 'customer', { name: 'Zhejiang distributor', creditLine: 100_000 });
    const other = await createRecord(sales1, 'customer', { name: 'Other distributor', creditLine: 100_000 });
    const receivable = (forCustomer: string, amount: number, paidAmount: number) => createRecord(admin, 'receivable', {
      customer: forCustomer, amount, paidAmount, shippedAt: '2026-11-01', dueDate: '2026-12-31', owner: 'sales1',
    });
    await receivable(customer, 30_000, 0);
    await receivable(customer, 50_000, 10_000);
    const paid = await receivable(customer, 20_000, 20_000);
    await new RecordRepository(stack.orm.em.fork()).systemUpdate('receivable', paid, { status: 'paid' }, 'system', `test-paid-${paid}`);
    await receivable(other, 90_000, 0); // another customer's debt is not this customer's
    // open: 30,000 + (50,000 - 10,000) = 70,000; the paid one is left out
    const warned = await sales1.post('/api/records/contract', { customer, amount: 35_000, owner: 'sales2' });
    expect(warned.status).toBe(201);
    expect(warned.body.warnings).toEqual([{
      code: 'RULE_WARNING', rule: 'credit-line-exceeded', path: '/amount',
      message: "The customer's open receivables plus the order are above the credit line (C-30)",
      messages: { en: "The customer's open receivables plus the order are above the credit line (C-30)", zh: '客户未结应收账款加本订单金额超过信用额度 (C-30)' },
    }]);
    expect(await ruleNotifications('sales2', warned.body.id)).toEqual([expect.objectContaining({ title: expect.stringContaining('open receivables plus the order') })]);
    for (const amount of [25_000, 15_000, 30_000]) { // 95,000, 85,000 and exactly the line: no warning
      const fits = await sales1.post('/api/records/contract', { customer, amount, owner: 'sales2' });
      expect(fits.status).toBe(201);
      expect(fits.body, String(amount)).not.toHaveProperty('warnings');
      expect(await ruleNotifications('sales2', fits.body.id)).toEqual([]);
    }
    // orders are no receivables: the three orders above did not raise the open amount
    const imported = await sales1.post('/api/records/contract/import', [
      { customer, amount: 15_000, owner: 'sales2', salesUnit: 'import-fits' }, { customer, amount: 30_001, owner: 'sales2', salesUnit: 'import-over' },
    ]);
    expect(imported.body).toMatchObject({ imported: 2, failed: 0 });
    const rows = (await (await stack.as('branchmgr')).get(`/api/records/contract?filter=${encodeURIComponent(`record.customer == "${customer}" && record.salesUnit.startsWith("import-")`)}`)).body.items as { id: string; data: { salesUnit: string } }[];
    const byUnit = Object.fromEntries(rows.map((r) => [r.data.salesUnit, r.id]));
    expect(await ruleNotifications('sales2', byUnit['import-over'])).toEqual([expect.objectContaining({ kind: 'rule-warning' })]);
    expect(await ruleNotifications('sales2', byUnit['import-fits'])).toEqual([]);
  });

  it('C-30: the aggregate is one query that an index on the receivable customer serves', async () => {
    const em = stack.orm.em.fork();
    const ctx = await new RecordRepository(em).context('contract'); // builds the declared indexes of the version
    const query = ctx.writeRules.aggregates.get('credit-line-exceeded')?.get('openReceivables');
    expect(query?.sql).toContain('::text as total from records where entity = $1 and deleted_at is null and ((data->>\'customer\') = $2');
    const params = bindFilterParams(query!.params, { subject: { customer: '00000000-0000-4000-8000-000000000001' } });
    const text = query!.sql.replace(/\$(\d+)/g, (_m, n: string) => `'${String(params[Number(n) - 1]).replace(/'/g, "''")}'`);
    const planned = await em.transactional(async (tx) => {
      const run = (sql: string) => tx.getConnection().execute(sql, [], 'all', tx.getTransactionContext());
      // 2,000 receivables of 200 customers (rolled back): the planner then has statistics to choose by
      await run(`insert into records (id, entity, data, config_version, created_by, updated_by)
        select gen_random_uuid(), 'receivable', jsonb_build_object('customer', md5((i % 200)::text)::uuid::text, 'amount', i, 'paidAmount', 0, 'status', 'open'),
          (select max(version) from config_versions), 'test', 'test' from generate_series(1, 2000) as i`);
      await run('analyze records');
      const plan = await run(`explain (format json) ${text}`);
      throw Object.assign(new Error('rolled back'), { plan });
    }).catch((error: { plan?: unknown }) => error.plan);
    // every entity's customer index has the same definition (entity, customer, id): any of them serves the query
    expect(JSON.stringify(planned)).toMatch(/"Index Cond":"\(\(entity = 'receivable'::text\) AND \(\(data ->> 'customer'::text\) = /);
    expect(JSON.stringify(planned)).not.toContain('Seq Scan');
  }, 120_000);

  it('documents the warnings of a create and an update in the OpenAPI answer', async () => {
    const { body } = await stack.anonymous().get('/openapi.json');
    const create = body.paths['/api/records/{entity}'].post.responses['201'];
    const update = body.paths['/api/records/{entity}/{id}'].patch.responses['200'];
    for (const answer of [create, update]) {
      const schema = answer.content['application/json'].schema;
      expect(schema.properties.warnings.items.required).toEqual(['code', 'rule', 'message', 'path']);
    }
  });
});
