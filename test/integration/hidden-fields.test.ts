import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startStack, type Stack } from '../support/stack.js';
import { eventually, type HttpClient } from '../support/http.js';
import { publishVariant } from '../support/config.js';
import { startCanary, type Canary } from '../support/webhooks-canary.js';
import { createNotificationActivities } from '../../worker/notifications/index.js';

/**
 * Property-based: whatever a sales rep sends, `blacklistReason` (hidden from sales reps in the starter pack) is never
 * persisted by their writes and never returned to them, and no filter or sort on it answers anything but 422. Nor
 * does it reach them through a process run, a notification, or a webhook receiver without a role or with theirs; a
 * receiver subscribed as a role that may read it gets it.
 */

const HIDDEN = 'blacklistReason';
const SECRET = 'secret-reason-7f3a';
let stack: Stack;
let canary: Canary;
let sales1: HttpClient;
let customerId: string;

async function storedCount(sql: string, params: unknown[] = []): Promise<number> {
  const rows = await stack.orm.em.fork().getConnection().execute(sql, params);
  return rows[0].n as number;
}

beforeAll(async () => {
  process.env.FLOWCRM_WEBHOOK_ALLOWLIST = '127.0.0.1'; // read when the worker and the API start
  [stack, canary] = await Promise.all([startStack(), startCanary('127.0.0.1')]);
  sales1 = await stack.as('sales1');
  const created = await sales1.post('/api/records/customer', { name: 'Hidden Co', owner: 'sales1' });
  customerId = created.body.id;
  const admin = await stack.as('admin');
  const patched = await admin.patch(`/api/records/customer/${customerId}`, { [HIDDEN]: SECRET });
  if (patched.status !== 200) throw new Error(`admin patch failed: ${patched.status}`);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  await canary?.close();
});

const visibleFields = fc.record({
  name: fc.string({ minLength: 1, maxLength: 40 }),
  address: fc.string({ maxLength: 40 }),
  tier: fc.constantFrom('A', 'B', 'C'),
}, { requiredKeys: ['name'] });
const hiddenValue = fc.oneof(fc.string({ maxLength: 30 }), fc.constant(null), fc.integer(), fc.constant(SECRET));

describe('hidden fields under generated input', () => {
  it('refuses every write that names the hidden field and stores nothing of it', async () => {
    const before = await storedCount(`select count(*)::int as n from records where entity = 'customer'`);
    await fc.assert(fc.asyncProperty(visibleFields, hiddenValue, fc.boolean(), fc.constantFrom('create', 'patch', 'import'), async (fields, value, wrapped, route) => {
      const data = { ...fields, [HIDDEN]: value };
      const body = wrapped ? { data } : data;
      const res = route === 'create' ? await sales1.post('/api/records/customer', body)
        : route === 'patch' ? await sales1.patch(`/api/records/customer/${customerId}`, body)
          : await sales1.post('/api/records/customer/import', [data]);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('FORBIDDEN_FIELD');
      expect(JSON.stringify(res.body)).not.toContain(SECRET);
    }), { numRuns: 60 });
    expect(await storedCount(`select count(*)::int as n from records where entity = 'customer'`)).toBe(before);
    expect(await storedCount(`select count(*)::int as n from records where id = ? and data->>'${HIDDEN}' = ?`, [customerId, SECRET])).toBe(1);
  }, 120_000);

  it('never returns the hidden field from writes, reads, lists, history or exports', async () => {
    await fc.assert(fc.asyncProperty(visibleFields, async (fields) => {
      const answers = [
        await sales1.patch(`/api/records/customer/${customerId}`, { address: fields.address ?? 'x' }),
        await sales1.post('/api/records/customer', fields),
        await sales1.get(`/api/records/customer/${customerId}`),
        await sales1.get(`/api/records/customer/${customerId}/history`),
        await sales1.get('/api/records/customer?limit=500'),
        await sales1.get('/api/records/customer/export?format=json'),
        await sales1.get('/api/records/customer/export?format=csv'),
      ];
      for (const answer of answers) {
        expect(answer.status).toBeLessThan(300);
        const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        expect(text).not.toContain(HIDDEN);
        expect(text).not.toContain(SECRET);
      }
    }), { numRuns: 15 });
  }, 120_000);

  it('answers 422 to any filter or sort that reads the hidden field', async () => {
    const comparisons = fc.oneof(
      fc.string({ maxLength: 12 }).map((s) => `record.${HIDDEN} == ${JSON.stringify(s)}`),
      fc.string({ maxLength: 6 }).map((s) => `record.${HIDDEN}.startsWith(${JSON.stringify(s)})`),
      fc.constant(`has(record.${HIDDEN})`),
      fc.constant(`record["${HIDDEN}"] != ""`),
      fc.constant(`record.name != "" && record.${HIDDEN} == "${SECRET}"`),
      fc.constant(`!(record.${HIDDEN} == "${SECRET}") || record.name == "x"`),
    );
    await fc.assert(fc.asyncProperty(comparisons, fc.constantFrom('', '/export'), async (filter, path) => {
      const res = await sales1.get(`/api/records/customer${path}?filter=${encodeURIComponent(filter)}`);
      expect(res.status).toBe(422);
      expect(JSON.stringify(res.body)).not.toContain(SECRET);
    }), { numRuns: 40 });
    for (const sort of [HIDDEN, `-${HIDDEN}`]) expect((await sales1.get(`/api/records/customer?sort=${sort}`)).status).toBe(422);
  }, 120_000);
});

/**
 * A process that copies the hidden field into a webhook payload (under its own name and another), receives it back in
 * an event payload (a variable), and a title field that is the hidden field (rule warnings name the record's title).
 */
describe('hidden fields in process runs, notifications and webhooks', () => {
  let admin: HttpClient;
  let branchmgr: HttpClient;
  let managersCustomer: string;

  beforeAll(async () => {
    admin = await stack.as('admin');
    branchmgr = await stack.as('branchmgr');
    await publishVariant(stack, (bundle) => {
      bundle.entities.customer.titleField = HIDDEN;
      bundle.entities.customer.rules = [{
        id: 'flagged-change', severity: 'warning', on: ['update'], path: '/tier', when: `has(record.${HIDDEN})`,
        message: { en: 'A flagged customer changed' },
      }];
      bundle.processes['hidden-copy'] = {
        entity: 'customer', label: { en: 'Copies the hidden field' }, trigger: { on: 'manual' },
        steps: [
          { id: 'hook', type: 'action', action: 'webhook', event: 'customer_flagged',
            payload: { [HIDDEN]: { expr: `record.${HIDDEN}` }, copy: { expr: `record.${HIDDEN}` }, name: { expr: 'record.name' } } },
          { id: 'note', type: 'event', event: 'note' },
          { id: 'end', type: 'end' },
        ],
      };
    });
    // no role (the strictest rule), a role that hides the field, one that may read it
    for (const [path, asRole] of [['/hidden', undefined], ['/as-sales-rep', 'sales_rep'], ['/as-branch-manager', 'branch_manager']]) {
      const subscription = await admin.post('/api/webhooks', { url: `${canary.url}${path}`, events: ['process.webhook'], ...(asRole ? { asRole } : {}) });
      if (subscription.status !== 201) throw new Error(`subscription ${path} failed: ${subscription.status}`);
    }
    const created = await branchmgr.post('/api/records/customer', { name: 'Managers Co', owner: 'branchmgr' });
    managersCustomer = created.body.id;
  }, 60_000);

  const marker = fc.stringMatching(/^[a-z0-9]{6,12}$/).map((s) => `mark-${s}`);

  it('never shows a hidden value in the process view or a webhook of a role that hides it; a role that may read it sees it', async () => {
    await fc.assert(fc.asyncProperty(marker, fc.constantFrom('copy', 'nested', HIDDEN), async (secret, key) => {
      expect((await admin.patch(`/api/records/customer/${customerId}`, { [HIDDEN]: secret, name: `Hidden Co ${secret.length}` })).status).toBe(200);
      const deliveredBefore = canary.requests.length;
      const started = await admin.post('/api/processes', { process: 'hidden-copy', entity: 'customer', recordId: customerId });
      expect(started.status).toBe(201);
      const processId = started.body.id;
      const payload = key === 'nested' ? { deep: [{ text: `reason: ${secret}!` }] } : { [key]: secret };
      await eventually(async () => (await admin.post(`/api/processes/${processId}/events/note`, payload)).status === 202, 30_000, 200);
      await eventually(async () => (await admin.get(`/api/processes/${processId}`)).body.status === 'completed', 30_000, 200);

      const seen = await sales1.get(`/api/processes/${processId}`);
      expect(seen.status).toBe(200);
      expect(seen.body.variables).toHaveProperty('note');
      expect(JSON.stringify(seen.body)).not.toContain(secret);
      expect(JSON.stringify(seen.body.variables)).not.toContain(`"${HIDDEN}"`);
      expect(JSON.stringify((await branchmgr.get(`/api/processes/${processId}`)).body.variables)).toContain(secret);

      // a run's id is per process and record: this run's delivery to a receiver is the first one after it started
      const deliveryTo = (path: string) => eventually(async () => canary.requests.slice(deliveredBefore).find((r) => r.url === path && r.body.includes(processId)), 60_000, 200);
      const deliveries = [];
      for (const path of ['/hidden', '/as-sales-rep']) {
        const delivery = await deliveryTo(path);
        expect(delivery.body).not.toContain(secret);
        expect(delivery.body).not.toContain(`"${HIDDEN}"`);
        expect(JSON.parse(delivery.body).data.data).toMatchObject({ copy: '', name: `Hidden Co ${secret.length}` });
        deliveries.push(delivery.headers['x-flowcrm-delivery']);
      }
      const managers = await deliveryTo('/as-branch-manager');
      expect(JSON.parse(managers.body).data.data).toEqual({ [HIDDEN]: secret, copy: secret, name: `Hidden Co ${secret.length}` });
      deliveries.push(managers.headers['x-flowcrm-delivery']);
      const stored = await stack.orm.em.fork().getConnection().execute(`select s.as_role as "asRole", d.payload::text as p
        from webhook_deliveries d join webhook_subscriptions s on s.id = d.subscription_id where d.id in (?, ?, ?)`, deliveries);
      expect(stored.map((r) => String(r.asRole)).sort()).toEqual(['branch_manager', 'null', 'sales_rep']);
      for (const row of stored) expect(row.p.includes(secret), String(row.asRole)).toBe(row.asRole === 'branch_manager');
    }), { numRuns: 4 });
  }, 240_000);

  it('publishes one delivery per subscription and key, each with its role\'s payload, however often it is called', async () => {
    const activities = createNotificationActivities({ orm: stack.orm, allowlist: [] });
    const input = {
      event: 'process.webhook' as const, idempotencyKey: `again-${customerId}`,
      payload: { name: 'again', processId: `again-${customerId}`, process: 'hidden-copy', entity: 'customer', recordId: customerId, at: new Date().toISOString(), data: { [HIDDEN]: 'again-secret' } },
    };
    const [first, second] = await Promise.all([activities.publishEvent(input), activities.publishEvent(input)]);
    expect(first.deliveryIds).toHaveLength(3);
    expect(second).toEqual(first);
    expect(await activities.publishEvent(input)).toEqual(first);
    const stored = await stack.orm.em.fork().getConnection().execute(`select s.as_role as "asRole", d.payload->'data' as data
      from webhook_deliveries d join webhook_subscriptions s on s.id = d.subscription_id where d.idempotency_key = ? order by s.url`, [input.idempotencyKey]);
    expect(stored).toEqual([
      { asRole: 'branch_manager', data: { [HIDDEN]: 'again-secret' } }, { asRole: 'sales_rep', data: {} }, { asRole: null, data: {} },
    ]);
  });

  it('leaves hidden values out of every notification of a recipient who may not see them', async () => {
    const activities = createNotificationActivities({ orm: stack.orm, allowlist: [] });
    await fc.assert(fc.asyncProperty(marker, fc.string({ maxLength: 10 }), async (secret, words) => {
      expect((await admin.patch(`/api/records/customer/${customerId}`, { [HIDDEN]: secret })).status).toBe(200);
      expect((await admin.patch(`/api/records/customer/${managersCustomer}`, { [HIDDEN]: secret })).status).toBe(200);
      // a rule warning names the record's title, which here is the hidden field
      for (const id of [customerId, managersCustomer]) expect((await admin.patch(`/api/records/customer/${id}`, { tier: 'C' })).status).toBe(200);
      expect((await admin.patch(`/api/records/customer/${customerId}`, { tier: 'B' })).status).toBe(200);
      expect((await admin.patch(`/api/records/customer/${managersCustomer}`, { tier: 'B' })).status).toBe(200);
      // a text that interpolated the hidden value
      await activities.notifyUsers({
        to: ['sales1', 'branchmgr'], kind: 'process.message', title: `${words}${secret}`, body: `Reason: ${secret}.`,
        link: { entity: 'customer', recordId: customerId, href: `/records/customer/${customerId}?q=${secret}` }, idempotencyKey: `hidden-${secret}`,
      });
      const own = await sales1.get('/api/notifications?limit=200');
      expect(own.body.items.some((n: { kind: string }) => n.kind === 'rule-warning')).toBe(true);
      expect(own.body.items.find((n: { title: string }) => n.title === words)).toMatchObject({ body: 'Reason: .' });
      expect(JSON.stringify(own.body)).not.toContain(secret);
      const rows = await stack.orm.em.fork().getConnection().execute(`select title, body, link::text as link from notifications where recipient = 'sales1'`);
      expect(JSON.stringify(rows)).not.toContain(secret);
      const managers = JSON.stringify((await branchmgr.get('/api/notifications?limit=200')).body);
      expect(managers).toContain(`customer ${secret}: A flagged customer changed`);
      expect(managers).toContain(`Reason: ${secret}.`);
    }), { numRuns: 5 });
  }, 120_000);
});
