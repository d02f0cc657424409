import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import type { HttpClient } from '../support/http.js';
import { inboxTaskFor, statusOf, submitQuote } from '../support/quotes.js';

let stack: Stack;
let sales1: HttpClient;
let branchmgr: HttpClient;
let admin: HttpClient;

beforeAll(async () => {
  stack = await startStack();
  [sales1, branchmgr, admin] = await Promise.all([stack.as('sales1'), stack.as('branchmgr'), stack.as('admin')]);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const sql = (text: string, params: unknown[] = []) => stack.orm.em.getConnection().execute(text, params);

describe('bulk approve', { timeout: 60_000 }, () => {
  it('approves each approval on its own and reports every task, refusing what is not the caller\'s to approve', async () => {
    const quotes = await Promise.all([submitQuote(sales1, 15, 30), submitQuote(sales1, 12, 40)]);
    const tasks = await Promise.all(quotes.map((q) => inboxTaskFor(branchmgr, q.recordId)));
    const res = await branchmgr.post('/api/tasks/bulk-approve', { ids: [...tasks.map((t) => t.id), 'no-such-task'], comment: 'all fine' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const items = res.body.items as { id: string; ok: boolean; outcome?: string; error?: { code: string } }[];
    expect(items.map((i) => [i.id, i.ok])).toEqual([[tasks[0].id, true], [tasks[1].id, true], ['no-such-task', false]]);
    expect(items[2].error?.code).toBe('NOT_FOUND');
    for (const q of quotes) await statusOf(sales1, q.recordId, 'approved');
    const history = await sales1.get(`/api/records/quote/${quotes[0].recordId}/history`);
    expect((history.body.items as { action: string; comment?: string }[]).some((h) => h.action === 'approve' && h.comment === 'all fine')).toBe(true);

    // The requester is no approver of their own quote: refused per task, nothing decided.
    const own = await submitQuote(sales1, 15, 50);
    const task = await inboxTaskFor(branchmgr, own.recordId);
    const refused = await sales1.post('/api/tasks/bulk-approve', { ids: [task.id] });
    expect(refused.status).toBe(200);
    expect(refused.body.items[0].ok).toBe(false);
    expect(['NOT_AN_APPROVER', 'SELF_APPROVAL', 'FORBIDDEN']).toContain(refused.body.items[0].error.code);
    expect((await branchmgr.get(`/api/tasks/${task.id}`)).body.status).toBe('open');
  });

  it('answers 422 at the body for an empty list', async () => {
    const res = await branchmgr.post('/api/tasks/bulk-approve', { ids: [] });
    expect(res.status).toBe(422);
  });
});

describe('operations reports', { timeout: 60_000 }, () => {
  it('sla-breaches counts tasks decided after, or still open past, their due time', async () => {
    const late = await submitQuote(sales1, 14, 60);
    const task = await inboxTaskFor(branchmgr, late.recordId);
    await sql('update tasks set due_at = now() - interval \'1 hour\' where id = ?', [task.id]);
    const res = await admin.get('/api/reports/sla-breaches?process=quote-approval');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const branch = (res.body.rows as { step: string; total: number; breached: number; openBreached: number; breachRate: number }[]).find((r) => r.step === task.step)!;
    expect(branch.breached).toBe(1);
    expect(branch.openBreached).toBe(1);
    expect(branch.total).toBeGreaterThanOrEqual(2);
    expect(branch.breachRate).toBeCloseTo(1 / branch.total, 5);
    const other = await admin.get('/api/reports/sla-breaches?process=complaint-handling');
    expect(other.body.rows).toEqual([]);
  });

  it('approval-cycle-time reports ended runs with an approval, in hours', async () => {
    const ended = await sql('select count(*)::int as n from process_instances where process = \'quote-approval\' and ended_at is not null');
    await sql('update process_instances set ended_at = started_at + interval \'6 hours\' where process = \'quote-approval\' and ended_at is not null');
    const res = await admin.get('/api/reports/approval-cycle-time');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const row = (res.body.rows as { process: string; runs: number; averageHours: number; maxHours: number }[]).find((r) => r.process === 'quote-approval')!;
    expect(row.runs).toBe((ended[0] as { n: number }).n);
    expect(row.runs).toBeGreaterThanOrEqual(2);
    expect(row.averageHours).toBeCloseTo(6, 5);
    expect(row.maxHours).toBeCloseTo(6, 5);
  });

  it('receivables-ageing buckets the outstanding amounts by days past due', async () => {
    const customer = await admin.post('/api/records/customer', { name: 'Ageing Ltd' });
    expect(customer.status).toBe(201);
    const due = [['2027-01-10', 100, 0], ['2026-12-20', 200, 50], ['2026-11-15', 300, 0], ['2026-08-01', 400, 0], ['2026-12-01', 500, 500]] as const;
    for (const [dueDate, amount, paidAmount] of due) {
      const res = await admin.post('/api/records/receivable', { customer: customer.body.id, amount, paidAmount, shippedAt: '2026-07-01', dueDate });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const res = await admin.get('/api/reports/receivables-ageing?asOf=2027-01-01');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.rows).toEqual([
      { bucket: 'current', count: 1, outstanding: 100 },
      { bucket: '1-30', count: 1, outstanding: 150 },
      { bucket: '31-60', count: 1, outstanding: 300 },
      { bucket: '61-90', count: 0, outstanding: 0 },
      { bucket: '90+', count: 1, outstanding: 400 },
    ]);
  });

  it('names the bad query parameter', async () => {
    const field = await admin.get('/api/reports/receivables-ageing?dueField=nope');
    expect(field.status).toBe(422);
    expect(field.body.error.details[0].path).toBe('/query/dueField');
    const entity = await admin.get('/api/reports/receivables-ageing?entity=nope');
    expect(entity.status).toBe(404);
    const since = await admin.get('/api/reports/sla-breaches?since=yesterday');
    expect(since.status).toBe(422);
    expect(since.body.error.details[0].path).toBe('/query/since');
  });
});
