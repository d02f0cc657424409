import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Stack } from '../support/stack-core.js';
import { startTimeSkippingStack, day, hour } from '../support/time-skipping.js';
import { eventually, type HttpClient } from '../support/http.js';
import { createRecord, openTaskOf, processIn, processUrl } from '../support/processes.js';
import { publishVariant } from '../support/config.js';
import { atMinute, historyRows, mergedRows, simulatedRows, withoutStep, type SimulatedChange, type TimelineEntry } from '../support/run-timeline.js';


let env: TestWorkflowEnvironment;
let stack: Stack;

let stopAll: () => Promise<void>;

beforeAll(async () => {
  ({ env, stack, stop: stopAll } = await startTimeSkippingStack());
}, 120_000);

afterAll(async () => {
  await stopAll?.();
});

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** A rung's instant: 09:00 Beijing time (01:00 UTC) of a date, plus whole days (the starter pack's convention). */
const rung = (date: string, days: number) => new Date(Date.parse(`${date}T01:00:00Z`) + days * day).toISOString();

async function newReceivable(sales1: HttpClient, amount: number) {
  const customer = await createRecord(sales1, 'customer', { name: `Hainan dealer ${Math.random().toString(36).slice(2, 7)}` });
  const shippedAt = isoDate(await env.currentTimeMs());
  const dueDate = isoDate(Date.parse(shippedAt) + 30 * day);
  const recordId = await createRecord(sales1, 'receivable', { customer, amount, shippedAt, dueDate, salesUnit: 'east-1' });
  const processId = `collections-escalation:receivable:${recordId}`;
  await eventually(async () => (await sales1.get(processUrl(processId))).status === 200, 10_000);
  return { customer, shippedAt, dueDate, recordId, processId };
}

/** Sleeps the test server until `iso` plus a little. */
async function sleepUntil(iso: string, slackMs = hour) {
  const ms = Date.parse(iso) + slackMs - (await env.currentTimeMs());
  if (ms > 0) await env.sleep(ms);
}

const fired = (view: { timeline: { step: string; event: string; detail?: { until?: string } }[] }) =>
  Object.fromEntries(view.timeline.filter((e) => e.event === 'timer-fired').map((e) => [e.step, e.detail?.until]));

const pathEvents = ['timer-fired', 'task-opened', 'task-completed', 'done', 'child-ended'];
const blacklist = 'blacklist-customer';
/**
 * The 90-day ladder from a receivable created at t0 and shipped that day: [minute, sub-process, step, event] of the
 * ladder and of the blacklist-customer sub-process it runs; the real run and the simulation must both give this.
 */
function ladderRows(t0: number, shippedAt: string, dueDate: string) {
  const at = (iso: string, plus = 0) => atMinute(Date.parse(iso) + plus);
  const start = atMinute(t0);
  return [
    [start, null, 'r01-at-shipment', 'timer-fired'], [start, null, 'r01-confirm-shipment', 'task-opened'], [start, null, 'r01-confirm-shipment', 'task-completed'],
    [at(rung(shippedAt, 14)), null, 'r02-sales-check-at', 'timer-fired'], [at(rung(shippedAt, 14)), null, 'r02-check-sales', 'task-opened'],
    [at(rung(dueDate, -7)), null, 'r03-week-before-due', 'timer-fired'], [at(rung(dueDate, -7)), null, 'r03-remind', 'done'],
    [at(rung(dueDate, -7)), null, 'r03-agree-payment-date', 'task-opened'],
    [at(rung(dueDate, 7)), null, 'r05-week-overdue', 'timer-fired'], [at(rung(dueDate, 7)), null, 'r05-credit-warning', 'done'],
    [at(rung(dueDate, 7)), null, 'r05-overdue-notice', 'done'], [at(rung(dueDate, 7)), null, 'r05-find-reason', 'task-opened'],
    [at(rung(dueDate, 7), hour), null, 'r05-find-reason', 'task-completed'],
    [at(rung(dueDate, 14)), null, 'r06-two-weeks-overdue', 'timer-fired'], [at(rung(dueDate, 14)), null, 'r06-demand-letter', 'done'],
    [at(rung(dueDate, 14)), null, 'r06-decide-shipments', 'task-opened'],
    [at(rung(dueDate, 14), hour), null, 'r06-decide-shipments', 'task-completed'], [at(rung(dueDate, 14), hour), null, 'r06-record-decision', 'done'],
    [at(rung(dueDate, 30)), null, 'r07-month-overdue', 'timer-fired'], [at(rung(dueDate, 30)), null, 'r07-special-case', 'done'],
    ...['blacklist', 'notice-sales', 'notice-branches', 'notice-collections'].map((step) => [at(rung(dueDate, 30)), blacklist, step, 'done']),
    [at(rung(dueDate, 30)), null, 'r07-blacklist', 'child-ended'], [at(rung(dueDate, 30)), null, 'r07-site-visit', 'task-opened'],
    [at(rung(shippedAt, 90), hour), null, 'r07-site-visit', 'task-completed'],
  ];
}
const blacklisted = 'A customer is blacklisted: guard against it (R-07, R-09)';
/** The ladder's notifications, [step, event it comes with, recipient, kind, title], in the order they are sent. */
const ladderNotices = [
  ['r01-confirm-shipment', 'task-opened', 'collector1', 'task.assigned', 'Confirm shipment and satisfaction with the customer (R-01)'],
  ['r02-check-sales', 'task-opened', 'collector1', 'task.assigned', "Find out the customer's sales (R-02)"],
  ['r03-remind', 'done', 'collector1', 'process.message', 'Due in a week: ask about sales and cash collection, remind of the on-time incentive, agree the payment date (R-03)'],
  ['r03-agree-payment-date', 'task-opened', 'collector1', 'task.assigned', 'Agree the payment date with the customer (R-03)'],
  ['r05-overdue-notice', 'done', 'collector1', 'process.message', 'Overdue one week: overdue notice and credit warning sent, bad credit recorded (R-05)'],
  ['r05-find-reason', 'task-opened', 'collector1', 'task.assigned', 'Find the reason for the delay (R-05)'],
  ['r06-demand-letter', 'done', 'collector1', 'process.message', 'Overdue two weeks: formal demand letter; decide on shipments (R-06)'],
  ['r06-decide-shipments', 'task-opened', 'collectmgr', 'task.assigned', 'Stop shipments to the customer? (R-06)'],
  // every sales rep but the requester (sales1), the branch manager, the collections manager
  ['notice-sales', 'done', 'sales2', 'process.message', blacklisted], ['notice-sales', 'done', 'sales3', 'process.message', blacklisted],
  ['notice-branches', 'done', 'branchmgr', 'process.message', blacklisted], ['notice-collections', 'done', 'collectmgr', 'process.message', blacklisted],
  ['r07-site-visit', 'task-opened', 'collectmgr', 'task.assigned', 'On-site investigation, vouchers and special-case handling (R-07)'],
];
/** With their minutes, as the rows of a timeline place them: [minute, recipient, kind, title]. */
const noticesAt = (rows: unknown[][]) => ladderNotices.map(([step, event, to, kind, title]) => [rows.find((r) => r[2] === step && r[3] === event)![0], to, kind, title]);
/** The receivable's field changes, [minute, step, actor, fields changed], and the customer's. */
function ladderChanges(dueDate: string) {
  const at = (iso: string, plus = 0) => atMinute(Date.parse(iso) + plus);
  return {
    receivable: [
      [at(rung(dueDate, 7)), 'r05-credit-warning', 'system', { status: 'overdue', creditWarning: true, badCreditRecorded: true }],
      [at(rung(dueDate, 7), hour), 'r05-find-reason', 'collector1', { overdueReason: 'typhoon season, slow sell-through', creditCause: true }],
      [at(rung(dueDate, 14), hour), 'r06-record-decision', 'system', { stopShipments: 'stop' }],
      [at(rung(dueDate, 30)), 'r07-special-case', 'system', { status: 'special_case' }],
    ],
    customer: [[at(rung(dueDate, 30)), 'blacklist', 'system', { state: 'blacklisted', blacklistReason: 'bad customer (R-07, R-09)' }]],
  };
}

describe('collections escalation (R-01..R-07) on simulated time', () => {
  it('runs the whole ladder over 90 days: tasks, warnings, the shipments decision and the blacklist at their rung times', async () => {
    const [sales1, collector, manager] = await Promise.all(['sales1', 'collector1', 'collectmgr'].map((u) => stack.as(u)));
    const t0 = await env.currentTimeMs();
    const { customer, shippedAt, dueDate, recordId, processId } = await newReceivable(sales1, 120_000);

    await sleepUntil(rung(shippedAt, 0), 60_000); // the shipment rung is 09:00 Beijing time of the shipment day
    const r01 = await openTaskOf(collector, recordId, 'r01-confirm-shipment', 10_000);
    expect((await collector.post(`/api/tasks/${r01.id}/complete`, {})).status).toBe(200);

    await sleepUntil(rung(shippedAt, 14));
    await openTaskOf(collector, recordId, 'r02-check-sales', 10_000);
    await sleepUntil(rung(dueDate, -7));
    await openTaskOf(collector, recordId, 'r03-agree-payment-date', 10_000);
    expect((await collector.get('/api/inbox')).body.items.some((t: { step: string; recordId: string }) => t.recordId === recordId && t.step === 'r02-check-sales')).toBe(false);

    await sleepUntil(rung(dueDate, 7));
    const r05 = await openTaskOf(collector, recordId, 'r05-find-reason', 10_000);
    expect((await sales1.get(`/api/records/receivable/${recordId}`)).body.data).toMatchObject({ status: 'overdue', creditWarning: true, badCreditRecorded: true });
    expect((await collector.post(`/api/tasks/${r05.id}/complete`, { data: { overdueReason: 'typhoon season, slow sell-through', creditCause: true } })).status).toBe(200);

    await sleepUntil(rung(dueDate, 14));
    const r06 = await openTaskOf(manager, recordId, 'r06-decide-shipments', 10_000);
    expect((await manager.post(`/api/tasks/${r06.id}/complete`, { outcome: 'stop' })).status).toBe(200);
    await eventually(async () => (await sales1.get(`/api/records/receivable/${recordId}`)).body.data.stopShipments === 'stop', 10_000);

    await sleepUntil(rung(dueDate, 30));
    const r07 = await openTaskOf(manager, recordId, 'r07-site-visit', 10_000);
    expect((await sales1.get(`/api/records/receivable/${recordId}`)).body.data).toMatchObject({
      status: 'special_case', overdueReason: 'typhoon season, slow sell-through', creditCause: true, stopShipments: 'stop',
    });
    expect((await sales1.get(`/api/records/customer/${customer}`)).body.data.state).toBe('blacklisted');
    const feed = (await (await stack.as('sales2')).get('/api/notifications')).body.items;
    expect(feed.some((n: { title: string }) => n.title.startsWith('A customer is blacklisted'))).toBe(true);

    await sleepUntil(rung(shippedAt, 90));
    expect((await sales1.get(processUrl(processId))).body.status).toBe('running');
    expect((await manager.post(`/api/tasks/${r07.id}/complete`, {})).status).toBe(200);
    const ended = await processIn(sales1, processId, 'completed', 10_000);
    expect(ended.outcome).toBe('special_case');
    expect(fired(ended)).toMatchObject({
      'r02-sales-check-at': rung(shippedAt, 14), 'r03-week-before-due': rung(dueDate, -7), 'r05-week-overdue': rung(dueDate, 7),
      'r06-two-weeks-overdue': rung(dueDate, 14), 'r07-month-overdue': rung(dueDate, 30),
    });
    const opened = ended.timeline.filter((e: { event: string }) => e.event === 'task-opened').map((e: { step: string }) => e.step);
    expect(opened).toEqual(['r01-confirm-shipment', 'r02-check-sales', 'r03-agree-payment-date', 'r05-find-reason', 'r06-decide-shipments', 'r07-site-visit']);
    const admin = await stack.as('admin');
    const child = (await admin.get(`/api/processes?entity=customer&recordId=${customer}`)).body.items.find((r: { process: string }) => r.process === blacklist);
    const blacklisting = (await admin.get(processUrl(child.id))).body as { timeline: TimelineEntry[] };
    const rows = mergedRows([{ timeline: ended.timeline }, { timeline: blacklisting.timeline, process: blacklist }], pathEvents);
    expect(rows).toEqual(ladderRows(t0, shippedAt, dueDate));
    const feeds = new Map<string, { kind: string; title: string }[]>();
    for (const user of new Set(ladderNotices.map((n) => n[2]))) {
      const items = (await (await stack.as(user)).get('/api/notifications')).body.items as { kind: string; title: string; link?: unknown }[];
      feeds.set(user, items.filter((n) => [recordId, customer].some((id) => JSON.stringify(n.link ?? {}).includes(id))));
    }
    const received = ladderNotices.map(([step, event, to, kind, title]) => [rows.find((r) => r[2] === step && r[3] === event)![0], to, kind,
      feeds.get(to)!.find((n) => n.kind === kind && n.title === title)?.title]);
    expect(received).toEqual(noticesAt(rows));
    expect(await historyRows(admin, 'receivable', recordId, ended.timeline)).toEqual(ladderChanges(dueDate).receivable);
    expect(await historyRows(admin, 'customer', customer, blacklisting.timeline)).toEqual(ladderChanges(dueDate).customer);
    expect(ended.tasks.map((t: { step: string; status: string }) => [t.step, t.status])).toEqual([
      ['r01-confirm-shipment', 'completed'], ['r02-check-sales', 'cancelled'], ['r03-agree-payment-date', 'cancelled'],
      ['r05-find-reason', 'completed'], ['r06-decide-shipments', 'completed'], ['r07-site-visit', 'completed'],
    ]);
  }, 180_000);

  it('stops at once on full payment on day due+10 (partial payment does not): no +14 rung, no blacklist', async () => {
    const sales1 = await stack.as('sales1');
    const { customer, dueDate, recordId, processId } = await newReceivable(sales1, 50_000);
    await sleepUntil(rung(dueDate, 8));
    expect((await sales1.post(`${processUrl(processId)}/events/payment_received`, { amount: 20_000 })).status).toBe(202);
    await sleepUntil(rung(dueDate, 9));
    expect((await sales1.get(processUrl(processId))).body.status).toBe('running');
    expect((await sales1.post('/api/events/payment_received', { entity: 'receivable', recordId, payload: { amount: 50_000 } })).status).toBe(202);
    const ended = await processIn(sales1, processId, 'completed', 10_000);
    expect(ended.outcome).toBe('paid');
    await sleepUntil(rung(dueDate, 40));
    const view = (await sales1.get(processUrl(processId))).body;
    expect(view.timeline.some((e: { step: string }) => e.step.startsWith('r06') || e.step.startsWith('r07'))).toBe(false);
    expect((await sales1.get(`/api/records/receivable/${recordId}`)).body.data).toMatchObject({ status: 'paid', paidAmount: 50_000 });
    expect((await sales1.get(`/api/records/customer/${customer}`)).body.data.state).not.toBe('blacklisted');
    expect(view.tasks.every((t: { status: string }) => t.status !== 'open')).toBe(true);
  }, 180_000);

  it('re-anchors every later rung on the new due date of an approved 30-day extension (R-04)', async () => {
    const [sales1, manager] = await Promise.all(['sales1', 'collectmgr'].map((u) => stack.as(u)));
    const { dueDate, recordId, processId } = await newReceivable(sales1, 80_000);
    await sleepUntil(rung(dueDate, -10));
    await eventually(async () => (await sales1.get(processUrl(processId))).body.listening?.includes('extension_requested'), 10_000);
    expect((await sales1.post(`${processUrl(processId)}/events/extension_requested`, { reason: 'typhoon and rainstorm' })).status).toBe(202);
    const review = await openTaskOf(manager, recordId, 'extension-review', 10_000);
    const newDue = isoDate(Date.parse(dueDate) + 30 * day);
    expect((await manager.post(`/api/tasks/${review.id}/complete`, { outcome: 'approve', data: { newDueDate: newDue } })).status).toBe(200);
    await eventually(async () => (await sales1.get(`/api/records/receivable/${recordId}`)).body.data.dueDate === newDue, 10_000);
    expect((await sales1.get(`/api/records/receivable/${recordId}`)).body.data.extensionReason).toBe('typhoon and rainstorm');

    await sleepUntil(rung(dueDate, 24)); // past the old due+7 and due+14, and past the new due-7
    const mid = (await sales1.get(processUrl(processId))).body;
    expect(fired(mid)['r05-week-overdue']).toBeUndefined();
    expect(fired(mid)['r03-week-before-due']).toBe(rung(newDue, -7));
    await sleepUntil(rung(newDue, 14));
    const later = (await sales1.get(processUrl(processId))).body;
    expect(fired(later)).toMatchObject({ 'r05-week-overdue': rung(newDue, 7), 'r06-two-weeks-overdue': rung(newDue, 14) });
    await sales1.post(`${processUrl(processId)}/events/payment_received`, { amount: 80_000 });
    await processIn(sales1, processId, 'completed', 10_000);
  }, 180_000);

  it('simulates the same 90-day ladder through POST /api/config/simulate: the same rungs, tasks and field changes', async () => {
    const [sales1, admin] = await Promise.all(['sales1', 'admin'].map((u) => stack.as(u)));
    const customer = await createRecord(sales1, 'customer', { name: 'Simulated dealer' });
    const start = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 60_000).toISOString(); // on a whole minute
    const shippedAt = isoDate(Date.parse(start));
    const dueDate = isoDate(Date.parse(shippedAt) + 30 * day);
    // an hour after a rung, as the real run answers
    const after = (iso: string) => `PT${(Date.parse(iso) + hour - Date.parse(start)) / 60_000}M`;
    const script = {
      tasks: [
        { step: 'r01-confirm-shipment' },
        { step: 'r05-find-reason', after: after(rung(dueDate, 7)), data: { overdueReason: 'typhoon season, slow sell-through', creditCause: true } },
        { step: 'r06-decide-shipments', after: after(rung(dueDate, 14)), outcome: 'stop' },
        { step: 'r07-site-visit', after: after(rung(shippedAt, 90)) },
      ],
      events: [],
    };
    const res = await admin.post('/api/config/simulate', {
      process: 'collections-escalation', requester: 'sales1', start, until: 'P120D',
      record: { customer, amount: 120_000, shippedAt, dueDate, salesUnit: 'east-1' }, script,
    });
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200);
    const simulated = res.body;
    expect(simulated).toMatchObject({ status: 'completed', outcome: 'special_case' });
    const rows = mergedRows([{ timeline: simulated.timeline }], pathEvents);
    expect(rows).toEqual(ladderRows(Date.parse(start), shippedAt, dueDate));
    const sent = (simulated.notifications as { at: string; to: string; kind: string; title: string }[])
      .filter((n) => n.kind === 'task.assigned' || n.kind === 'process.message').map((n) => [atMinute(Date.parse(n.at)), n.to, n.kind, n.title]);
    expect(sent).toEqual(noticesAt(rows));
    const changes = simulated.recordChanges as SimulatedChange[];
    expect(simulatedRows(changes, 'receivable')).toEqual(withoutStep(ladderChanges(dueDate).receivable));
    expect(simulatedRows(changes, 'customer')).toEqual(withoutStep(ladderChanges(dueDate).customer));
    expect(changes.filter((c) => c.entity === 'customer').map((c) => c.process)).toEqual([blacklist]);
    expect(fired(simulated)).toMatchObject({
      'r02-sales-check-at': rung(shippedAt, 14), 'r03-week-before-due': rung(dueDate, -7), 'r05-week-overdue': rung(dueDate, 7),
      'r06-two-weeks-overdue': rung(dueDate, 14), 'r07-month-overdue': rung(dueDate, 30),
    });
    expect(simulated.tasks.map((t: { step: string; status: string }) => [t.step, t.status])).toEqual([
      ['r01-confirm-shipment', 'completed'], ['r02-check-sales', 'cancelled'], ['r03-agree-payment-date', 'cancelled'],
      ['r05-find-reason', 'completed'], ['r06-decide-shipments', 'completed'], ['r07-site-visit', 'completed'],
    ]);
    const sets = simulated.recordChanges.filter((c: { entity: string; action: string }) => c.entity === 'receivable' && c.action === 'update').map((c: { set: object }) => c.set);
    expect(sets).toEqual([
      { status: 'overdue', creditWarning: true, badCreditRecorded: true },
      { overdueReason: 'typhoon season, slow sell-through', creditCause: true },
      { stopShipments: 'stop' },
      { status: 'special_case' },
    ]);
    const blacklisted = simulated.recordChanges.find((c: { entity: string }) => c.entity === 'customer');
    expect(blacklisted.set).toMatchObject({ state: 'blacklisted' });
    expect(Date.parse(blacklisted.at)).toBeGreaterThanOrEqual(Date.parse(rung(dueDate, 30)));
    expect((await sales1.get(`/api/records/customer/${customer}`)).body.data.state).not.toBe('blacklisted');
  }, 120_000);
});

describe('collections escalation: a day offset changed in configuration', () => {
  it('moves the overdue-week rung of new runs to due+10 while a running ladder keeps due+7 (its version)', async () => {
    const sales1 = await stack.as('sales1');
    const before = await newReceivable(sales1, 70_000);
    const oldVersion = (await sales1.get(processUrl(before.processId))).body.configVersion;
    const version = await publishVariant(stack, (bundle) => {
      const ladder = bundle.processes['collections-escalation'].steps[0].branches[0] as { id: string; until?: string; boundary?: { until: string }[] }[];
      const tenDays = (until: string) => until.replace('+ duration("168h")', '+ duration("240h")');
      const rung05 = ladder.find((s) => s.id === 'r05-week-overdue')!;
      rung05.until = tenDays(rung05.until!);
      const r03 = ladder.find((s) => s.id === 'r03-agree-payment-date')!;
      r03.boundary = r03.boundary!.map((b) => ({ ...b, until: tenDays(b.until) }));
    });
    const after = await newReceivable(sales1, 70_000);
    const newRun = (await sales1.get(processUrl(after.processId))).body;
    expect(version).toBeGreaterThan(oldVersion);
    expect(newRun.configVersion).toBe(version);
    expect(before.dueDate).toBe(after.dueDate);

    await sleepUntil(rung(before.dueDate, 7));
    const receivable = async (id: string) => (await sales1.get(`/api/records/receivable/${id}`)).body.data;
    await eventually(async () => (await receivable(before.recordId)).creditWarning === true, 10_000);
    expect(fired((await sales1.get(processUrl(before.processId))).body)['r05-week-overdue']).toBe(rung(before.dueDate, 7));
    expect(await receivable(after.recordId)).toMatchObject({ creditWarning: false, status: 'open' });
    expect(fired((await sales1.get(processUrl(after.processId))).body)['r05-week-overdue']).toBeUndefined();

    await sleepUntil(rung(after.dueDate, 10));
    await eventually(async () => (await receivable(after.recordId)).creditWarning === true, 10_000);
    expect(fired((await sales1.get(processUrl(after.processId))).body)['r05-week-overdue']).toBe(rung(after.dueDate, 10));
    expect((await sales1.get(processUrl(before.processId))).body.configVersion).toBe(oldVersion);
    for (const { processId, recordId } of [before, after]) {
      await sales1.post('/api/events/payment_received', { entity: 'receivable', recordId, payload: { amount: 70_000 } });
      await processIn(sales1, processId, 'completed', 10_000);
    }
  }, 180_000);
});
