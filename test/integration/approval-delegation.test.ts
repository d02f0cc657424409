import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { submitQuote, inboxTaskFor, statusOf } from '../support/quotes.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const complete = (id: string) => `/api/tasks/${encodeURIComponent(id)}/complete`;
const hour = 3600_000;
const range = () => ({ startsAt: new Date(Date.now() - hour).toISOString(), endsAt: new Date(Date.now() + 24 * hour).toISOString() });

describe('delegation, reassignment and separation of duties', () => {
  it('lets a delegate see and decide an open task, recording original approver and actual actor', async () => {
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const finance = await stack.as('finance');
    const { recordId } = await submitQuote(sales1, 15, 20_000);
    const task = await inboxTaskFor(branchmgr, recordId);
    expect((await finance.get('/api/inbox?scope=delegated')).body.items).toHaveLength(0);

    const delegation = await branchmgr.post('/api/delegations', { to: 'finance', ...range(), reason: 'holiday' });
    expect(delegation.status).toBe(201);
    const delegated = await finance.get('/api/inbox?scope=delegated');
    expect(delegated.body.items.map((t: { id: string }) => t.id)).toContain(task.id);
    expect(delegated.body.counts.delegated).toBeGreaterThanOrEqual(1);

    const res = await finance.post(complete(task.id), { outcome: 'approve', comment: 'covering for branchmgr' });
    expect(res.status).toBe(200);
    await statusOf(sales1, recordId, 'approved');
    const history = await sales1.get(`/api/records/quote/${recordId}/history`);
    const decision = history.body.items.find((h: { action: string }) => h.action === 'approve');
    expect(decision).toMatchObject({ actor: 'finance', context: { onBehalfOf: 'branchmgr' } });
    expect((await branchmgr.delete(`/api/delegations/${delegation.body.id}`)).status).toBe(204);
  });

  it('never lets the requester decide through a delegation', async () => {
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const { recordId } = await submitQuote(sales1, 15, 20_000);
    const task = await inboxTaskFor(branchmgr, recordId);
    const delegation = await branchmgr.post('/api/delegations', { to: 'sales1', ...range() });
    expect(delegation.status).toBe(201);
    expect((await sales1.get('/api/inbox?scope=delegated')).body.items.map((t: { id: string }) => t.id)).not.toContain(task.id);
    const res = await sales1.post(complete(task.id), { outcome: 'approve' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('SELF_APPROVAL');
    await branchmgr.delete(`/api/delegations/${delegation.body.id}`);
    expect((await branchmgr.post(complete(task.id), { outcome: 'reject' })).status).toBe(200);
  });

  it('reassigns a task from the approver to a colleague, and refuses to reassign it to the requester', async () => {
    const sales2 = await stack.as('sales2');
    const branchmgr = await stack.as('branchmgr');
    const regiondir = await stack.as('regiondir');
    const { recordId } = await submitQuote(sales2, 15, 20_000);
    const task = await inboxTaskFor(branchmgr, recordId);
    const toRequester = await branchmgr.post(`/api/tasks/${encodeURIComponent(task.id)}/delegate`, { to: 'sales2' });
    expect(toRequester.status).toBe(403);
    expect(toRequester.body.error.code).toBe('SELF_APPROVAL');
    const byOutsider = await regiondir.post(`/api/tasks/${encodeURIComponent(task.id)}/delegate`, { to: 'regiondir' });
    expect(byOutsider.status).toBe(403);

    const moved = await branchmgr.post(`/api/tasks/${encodeURIComponent(task.id)}/delegate`, { to: 'regiondir', comment: 'you know this customer' });
    expect(moved.status).toBe(200);
    expect(moved.body.candidates).toEqual(['regiondir']);
    const mine = await inboxTaskFor(regiondir, recordId);
    expect(mine.id).toBe(task.id);
    expect((await branchmgr.post(complete(task.id), { outcome: 'approve' })).status).toBe(403);
    expect((await regiondir.post(complete(task.id), { outcome: 'approve' })).status).toBe(200);
    await statusOf(sales2, recordId, 'approved');
    const history = await sales2.get(`/api/records/quote/${recordId}/history`);
    expect(history.body.items).toContainEqual(expect.objectContaining({ action: 'reassign', actor: 'branchmgr', changes: { approvers: { before: ['branchmgr'], after: ['regiondir'] } } }));
  });

  it('lets an admin reassign, but still not to the requester', async () => {
    const sales1 = await stack.as('sales1');
    const admin = await stack.as('admin');
    const branchmgr = await stack.as('branchmgr');
    const { recordId } = await submitQuote(sales1, 15, 20_000);
    const task = await inboxTaskFor(branchmgr, recordId);
    expect((await admin.post(`/api/tasks/${encodeURIComponent(task.id)}/delegate`, { to: 'sales1' })).status).toBe(403);
    const moved = await admin.post(`/api/tasks/${encodeURIComponent(task.id)}/delegate`, { to: 'hqvp' });
    expect(moved.status).toBe(200);
    expect((await (await stack.as('hqvp')).post(complete(task.id), { outcome: 'approve' })).status).toBe(200);
    await statusOf(sales1, recordId, 'approved');
  });

  it('refuses a requester who gained the approver role mid-flight', async () => {
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const { recordId } = await submitQuote(sales1, 25, 20_000);
    const first = await inboxTaskFor(branchmgr, recordId);
    await stack.orm.em.fork().getConnection().execute(`update users set roles = '["sales_rep","regional_director"]' where username = 'sales1'`);
    try {
      expect((await branchmgr.post(complete(first.id), { outcome: 'approve' })).status).toBe(200);
      const second = await inboxTaskFor(await stack.as('regiondir'), recordId);
      expect(second.candidates).not.toContain('sales1');
      const relogged = await stack.anonymous().post('/api/auth/login', { username: 'sales1', password: 'demo' });
      expect(relogged.body.user.roles).toContain('regional_director');
      const res = await sales1.post(complete(second.id), { outcome: 'approve' });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('SELF_APPROVAL');
      expect((await (await stack.as('regiondir')).post(complete(second.id), { outcome: 'approve' })).status).toBe(200);
      await statusOf(sales1, recordId, 'approved');
    } finally {
      await stack.orm.em.fork().getConnection().execute(`update users set roles = '["sales_rep"]' where username = 'sales1'`);
    }
  });

  it('lets the requester recall a pending request; the record returns to draft and the task disappears', async () => {
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const { recordId, processId } = await submitQuote(sales1, 15, 20_000);
    const task = await inboxTaskFor(branchmgr, recordId);
    expect((await branchmgr.post(`/api/processes/${encodeURIComponent(processId)}/recall`, {})).status).toBe(403);
    const recalled = await sales1.post(`/api/processes/${encodeURIComponent(processId)}/recall`, { comment: 'wrong price list' });
    expect(recalled.status).toBe(200);
    await statusOf(sales1, recordId, 'draft');
    const open = (await branchmgr.get('/api/inbox')).body.items.map((t: { id: string }) => t.id);
    expect(open).not.toContain(task.id);
    expect((await branchmgr.post(complete(task.id), { outcome: 'approve' })).status).toBe(409);
  });

  it('records exactly one decision out of 100 concurrent approve calls on one task', async () => {
    const sales2 = await stack.as('sales2');
    const branchmgr = await stack.as('branchmgr');
    const { recordId } = await submitQuote(sales2, 15, 20_000);
    const task = await inboxTaskFor(branchmgr, recordId);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => branchmgr.post(complete(task.id), { outcome: 'approve', comment: `call ${i}` })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(99);
    await statusOf(sales2, recordId, 'approved');
    const history = await sales2.get(`/api/records/quote/${recordId}/history`);
    expect(history.body.items.filter((h: { action: string }) => h.action === 'approve')).toHaveLength(1);
  }, 60_000);
});

describe('inbox scopes and filters', () => {
  it('separates mine, candidate and all, filters by process and entity, and counts', async () => {
    const sales1 = await stack.as('sales1');
    const regiondir = await stack.as('regiondir');
    const admin = await stack.as('admin');
    const { recordId } = await submitQuote(sales1, 5, 600_000);
    const task = await inboxTaskFor(regiondir, recordId);
    const mine = await regiondir.get('/api/inbox?scope=mine&process=quote-approval&entity=quote');
    expect(mine.body.items.map((t: { id: string }) => t.id)).toContain(task.id);
    expect((await regiondir.get('/api/inbox?process=other')).body.items).toHaveLength(0);
    expect((await regiondir.get('/api/inbox?scope=all')).status).toBe(403);
    expect((await admin.get('/api/inbox?scope=all')).body.items.map((t: { id: string }) => t.id)).toContain(task.id);
    expect(mine.body.counts.mine).toBe(mine.body.items.length);
    expect((await regiondir.get('/api/inbox?scope=everything')).status).toBe(422);

    const detail = await regiondir.get(`/api/tasks/${encodeURIComponent(task.id)}`);
    expect(detail.body.record.data.total).toBe(600_000);
    expect(detail.body.routing[0]).toMatchObject({ rule: 'role:regional_director', result: ['regiondir'] });
    expect(detail.body.formSchema.properties.outcome.enum).toEqual(['approve', 'reject', 'request_changes']);
    expect((await (await stack.as('tech1')).get(`/api/tasks/${encodeURIComponent(task.id)}`)).status).toBe(403);
    await regiondir.post(complete(task.id), { outcome: 'approve' });
  });

  it('filters overdue tasks and sorts by due date', async () => {
    const sales2 = await stack.as('sales2');
    const branchmgr = await stack.as('branchmgr');
    const { recordId } = await submitQuote(sales2, 15, 20_000);
    const task = await inboxTaskFor(branchmgr, recordId);
    expect((await branchmgr.get('/api/inbox?overdue=true')).body.items.map((t: { id: string }) => t.id)).not.toContain(task.id);
    await stack.orm.em.fork().getConnection().execute(`update tasks set due_at = now() - interval '1 hour' where id = ?`, [task.id]);
    const overdue = await branchmgr.get('/api/inbox?overdue=true&sort=dueAt');
    expect(overdue.body.items.map((t: { id: string }) => t.id)).toEqual([task.id]);
    expect(overdue.body.counts.overdue).toBe(1);
    await branchmgr.post(complete(task.id), { outcome: 'approve' });
  });

  it('treats a repeated submission of a running process as the same process', async () => {
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const { recordId, processId } = await submitQuote(sales1, 15, 20_000);
    const again = await sales1.post('/api/processes', { process: 'quote-approval', entity: 'quote', recordId });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(processId);
    await inboxTaskFor(branchmgr, recordId);
    const tasks = (await branchmgr.get('/api/inbox')).body.items.filter((t: { recordId: string }) => t.recordId === recordId);
    expect(tasks).toHaveLength(1);
    const runs = [];
    for await (const w of stack.flow.client.workflow.list({ query: `WorkflowId = '${processId}'` })) runs.push(w.runId);
    expect(runs).toHaveLength(1);
    await branchmgr.post(complete(tasks[0].id), { outcome: 'approve' });
  });
});
