import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { quoteData } from '../support/quotes.js';

/**
 * The simulation (POST /api/config/simulate, on a time-skipping server) of the starter processes whose real runs are
 * tested elsewhere without a timer of their own: receivable-aging and double-ten-review (collections-reviews.test.ts),
 * blacklist-customer (the ladder's last rung, collections-escalation.test.ts), warranty-check (repair-dispatch's
 * subprocess, repair-dispatch.test.ts) and customer-review
 * (approval-review-inbox.test.ts), quote-approval's longest chain (approval-modes.test.ts) and quote-create-order
 * (quote-create-order.test.ts). Each asserts the sequence of steps, tasks, notifications and field changes with
 * their simulated times.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const day = 86_400_000;
type Simulated = {
  status: string; outcome: string; start: string; end: string;
  timeline: { at: string; step: string; event: string }[];
  tasks: { step: string; status: string; assignee?: string; candidates?: string[]; createdAt: string }[];
  notifications: { at: string; to: string; kind: string; title: string }[];
  recordChanges: { at: string; entity: string; action: string; set: Record<string, unknown> }[];
};

/** 09:00 Beijing time (01:00 UTC) a week from now: a working morning is not needed, a fixed time of day is. */
const start = new Date(Math.floor(Date.now() / day) * day + 7 * day + 3_600_000);
const beijingDate = (days: number) => new Date(start.getTime() + 8 * 3_600_000 + days * day).toISOString().slice(0, 10);
/** Milliseconds after the simulated start. */
const offset = (s: Simulated, iso: string) => Date.parse(iso) - Date.parse(s.start);

async function simulate(process: string, record: Record<string, unknown>, script: Record<string, unknown> = {}) {
  const res = await (await stack.as('admin')).post('/api/config/simulate', { process, record, requester: 'sales1', start: start.toISOString(), until: 'P30D', script });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Simulated;
}
/** Steps that ran (actions done, decisions decided), in order. */
const ranSteps = (s: Simulated) => s.timeline.filter((e) => e.event === 'done' || e.event === 'decided').map((e) => e.step);

describe('starter processes on POST /api/config/simulate', () => {
  it('receivable-aging: 31 days past due at 09:00 Beijing is bucket d31_60, both fields set at the start', async () => {
    const s = await simulate('receivable-aging', { customer: crypto.randomUUID(), amount: 1_000, shippedAt: beijingDate(-61), dueDate: beijingDate(-31), status: 'open', paidAmount: 0 });
    expect(s).toMatchObject({ status: 'completed', outcome: 'aged', tasks: [] });
    expect(ranSteps(s)).toEqual(['age', 'bucket', 'record-bucket']);
    expect(s.recordChanges.map((c) => [c.action, c.set, Math.round(offset(s, c.at) / 60_000)])).toEqual([
      ['update', { agingDays: 31 }, 0], ['update', { agingBucket: 'd31_60' }, 0],
    ]);
  }, 120_000);

  it('double-ten-review: one task for the unit\'s collection lead, its answer written to the unit when given two days later', async () => {
    const answer = { findings: 'Two dealers above 500,000', plan: 'Visit both in week 2' };
    const s = await simulate('double-ten-review', { name: 'east-1', collectionLead: 'collector1' }, { tasks: [{ step: 'review', data: answer, after: 'P2D' }] });
    expect(s).toMatchObject({ status: 'completed', outcome: 'reviewed' });
    expect(s.tasks.map((t) => [t.step, t.status, t.candidates, offset(s, t.createdAt) < 60_000])).toEqual([['review', 'completed', ['collector1'], true]]);
    expect(s.notifications.filter((n) => n.kind === 'task.assigned').map((n) => [n.to, offset(s, n.at) < 60_000])).toEqual([['collector1', true]]);
    expect(s.recordChanges).toHaveLength(1);
    const [change] = s.recordChanges;
    expect(change.set).toEqual({ lastReviewAt: expect.any(String), lastReviewNote: `${answer.findings}\n${answer.plan}` });
    expect(Math.round(offset(s, change.at) / 60_000)).toBe(2 * 24 * 60);
    expect(Math.abs(Date.parse(change.set.lastReviewAt as string) - Date.parse(change.at))).toBeLessThan(60_000);
  }, 120_000);

  it('blacklist-customer: the customer is blacklisted and every sales unit, branch and collections manager is told at once (R-07, R-09)', async () => {
    const s = await simulate('blacklist-customer', { name: 'Bad dealer', state: 'active' });
    expect(s).toMatchObject({ status: 'completed', outcome: 'blacklisted', tasks: [] });
    expect(ranSteps(s)).toEqual(['blacklist', 'notice-sales', 'notice-branches', 'notice-collections']);
    expect(s.recordChanges.map((c) => c.set)).toEqual([{ state: 'blacklisted', blacklistReason: 'bad customer (R-07, R-09)' }]);
    const notices = s.notifications.filter((n) => n.title === 'A customer is blacklisted: guard against it (R-07, R-09)');
    // every holder of the three roles but the requester (sales1), who blacklisted the customer
    expect(notices.map((n) => n.to).sort()).toEqual(['branchmgr', 'collectmgr', 'sales2', 'sales3']);
    expect(notices.every((n) => offset(s, n.at) < 60_000)).toBe(true);
  }, 120_000);

  it('warranty-check: in warranty on the last day (shipment + warranty days, half-open), out of it the day after (S-20)', async () => {
    const product = (shippedDaysAgo: number) => ({ serialNumber: `SN-${shippedDaysAgo}`, customer: crypto.randomUUID(), shippedAt: beijingDate(-shippedDaysAgo), warrantyDays: 365 });
    const [last, after] = await Promise.all([simulate('warranty-check', product(364)), simulate('warranty-check', product(365))]);
    expect([last.outcome, after.outcome]).toEqual(['in_warranty', 'out_of_warranty']);
    expect([last.recordChanges, after.recordChanges]).toEqual([[], []]);
  }, 120_000);

  it('customer-review: first and second review by two distinct approvers, a day apart', async () => {
    const s = await simulate('customer-review', { name: 'New dealer', state: 'active' }, {
      tasks: [{ step: 'first-review', by: 'branchmgr' }, { step: 'second-review', by: 'regiondir', after: 'P1D' }],
    });
    expect(s).toMatchObject({ status: 'completed' });
    expect(s.tasks.map((t) => [t.step, t.status, Math.round(offset(s, t.createdAt) / 3_600_000)])).toEqual([
      ['first-review', 'completed', 0], ['second-review', 'completed', 0],
    ]);
    expect(Math.round(offset(s, s.end) / 3_600_000)).toBe(24);
  }, 120_000);

  it('quote-approval: 35 % off 1.2 million goes branch -> region -> head office and finance (all), each level opened when the one before approves', async () => {
    const s = await simulate('quote-approval', quoteData(35, 1_200_000), {
      tasks: [{ step: 'branch' }, { step: 'region', after: 'P1D' }, { step: 'head-office', by: 'hqvp', after: 'P2D' }, { step: 'head-office', by: 'finance', after: 'P3D' }],
    });
    expect(s, JSON.stringify({ ...s, timeline: undefined })).toMatchObject({ status: 'completed' });
    expect(s.tasks.map((t) => [t.step, t.status, t.assignee, Math.round(offset(s, t.createdAt) / 3_600_000)])).toEqual([
      ['branch', 'completed', 'branchmgr', 0], ['region', 'completed', 'regiondir', 0], ['head-office', 'completed', 'hqvp', 24], ['head-office', 'completed', 'finance', 24],
    ]);
    const statuses = s.recordChanges.filter((c) => 'status' in c.set).map((c) => [c.set.status, Math.round(offset(s, c.at) / 3_600_000)]);
    expect(statuses.at(-1)).toEqual(['approved', 72]);
  }, 120_000);

  it('quote-create-order: an approved quote drafts one order for the requester and links it; an unapproved one ends not_approved', async () => {
    const approved = { ...quoteData(5, 80_000), status: 'approved', customer: crypto.randomUUID() };
    const [s, refused] = await Promise.all([simulate('quote-create-order', approved), simulate('quote-create-order', { ...approved, status: 'draft' })]);
    expect([s.outcome, refused.outcome]).toEqual(['created', 'not_approved']);
    expect(refused.recordChanges).toEqual([]);
    const [order, link] = s.recordChanges;
    expect(order).toMatchObject({ entity: 'contract', action: 'create', set: { kind: 'order', status: 'drafting', customer: approved.customer, owner: 'sales1' } });
    expect(link).toMatchObject({ entity: 'quote', action: 'update', set: { contract: expect.any(String) } });
    expect(s.notifications.map((n) => n.title)).toContain('The order of the approved quote is drafted');
  }, 120_000);
});
