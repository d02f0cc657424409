import { describe, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Stack } from '../support/stack-core.js';
import { useTimeSkippingStack, minute, hour, day } from '../support/time-skipping.js';
import { createRecord, openTaskOf, processIn, startProcess } from '../support/processes.js';
import { quoteData } from '../support/quotes.js';
import { historyRows, simulatedRows, type SimulatedChange, type TimelineEntry } from '../support/run-timeline.js';

/**
 * The longest path of the starter processes without a timer of their own (quote-approval, customer-review,
 * double-ten-review, quote-create-order, receivable-aging; the scheduled ones started by hand, as their schedule
 * does) on a time-skipping server, answered days apart, and the same path through
 * POST /api/config/simulate: one expected list of tasks, notifications and field changes with their simulated
 * minutes (offsets from the start) for both.
 */
let env: TestWorkflowEnvironment;
let stack: Stack;
useTimeSkippingStack((started) => ({ env, stack } = started));

type Answer = { step: string; by: string; outcome?: string; data?: Record<string, unknown>; after: number };
type Task = { step: string; kind: string; title: string; status: string; candidates: string[]; createdAt: string; assignee?: string | null };
type Path = {
  process: string; entity: string; record: Record<string, unknown>; answers: Answer[];
  /** A run the record goes through first, to its end, and what it leaves on the record: where the simulation starts. */
  prior?: { process: string; yields: Record<string, unknown> };
};
/** What the path yields, every instant as whole minutes after the start. */
type Yield = { timeline: unknown[][]; tasks: unknown[][]; notices: unknown[][]; changes: unknown[][] };

const offset = (t0: number, iso: string) => Math.floor((Date.parse(iso) - t0) / minute);
/** Instants a step writes (`lastReviewAt`) as minutes after the start too, so the two runs compare. */
const relative = (t0: number, set: unknown) => Object.fromEntries(Object.entries(set as Record<string, unknown>)
  .map(([k, v]) => [k, typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? `+${offset(t0, v)}m` : v]));
/** Who may be told: the approvers and task holders of the demo organisation. */
const recipients = ['branchmgr', 'regiondir', 'hqvp', 'finance', 'collector1', 'sales1'];
const noticeKinds = ['task.assigned', 'process.message'];
/** Notifications of one minute have no order of their own: by minute, recipient, title. */
const byTime = (a: unknown[], b: unknown[]) => Number(a[0]) - Number(b[0]) || String(a[1]).localeCompare(String(b[1])) || String(a[3]).localeCompare(String(b[3]));

async function sleepUntil(ms: number) {
  const left = ms - (await env.currentTimeMs());
  if (left > 0) await env.sleep(left);
}

/** The path on the time-skipping server: the record created and its run started by sales1, each answer at its time. */
async function realRun(pathAt: (t0: number) => Promise<Path>): Promise<Yield> {
  const sales1 = await stack.as('sales1');
  const t0 = Math.ceil((await env.currentTimeMs()) / minute) * minute + minute;
  const path = await pathAt(t0);
  await sleepUntil(t0);
  const recordId = await createRecord(sales1, path.entity, path.record);
  let priorUpdates = 0;
  if (path.prior) {
    await processIn(sales1, await startProcess(sales1, path.prior.process, path.entity, recordId), 'completed', 10_000);
    expect((await sales1.get(`/api/records/${path.entity}/${recordId}`)).body.data).toMatchObject(path.prior.yields);
    priorUpdates = (await historyRows(sales1, path.entity, recordId, [])).length;
  }
  const processId = await startProcess(sales1, path.process, path.entity, recordId);
  for (const answer of path.answers) {
    await sleepUntil(t0 + answer.after);
    const client = await stack.as(answer.by);
    const task = await openTaskOf(client, recordId, answer.step, 10_000);
    const res = await client.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, { outcome: answer.outcome ?? (task.kind === 'approval' ? 'approve' : undefined), data: answer.data });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
  const admin = await stack.as('admin');
  const ended = await processIn(admin, processId, 'completed', 10_000) as { timeline: TimelineEntry[]; tasks: Task[] };
  // notifications are stamped with the wall clock: their simulated minute is the one of what sent them (a task's
  // opening, or a notify step: the paths here send their messages all in one minute, else a message has none)
  const notifyMinutes = new Set(ended.timeline.filter((e) => e.event === 'done' && e.detail?.action === 'notify').map((e) => offset(t0, e.at)));
  const messageMinute = notifyMinutes.size === 1 ? [...notifyMinutes][0] : null;
  const notices: unknown[][] = [];
  for (const user of recipients) {
    // the run's own: not those of a run the record went through before, nor of another one on the record
    const feed = (await (await stack.as(user)).get('/api/notifications')).body.items as { kind: string; title: string; link?: { processId?: string } }[];
    for (const n of feed.filter((f) => f.link?.processId === processId && noticeKinds.includes(f.kind))) {
      const task = ended.tasks.find((t) => t.title === n.title);
      notices.push([task ? offset(t0, task.createdAt) : n.kind === 'process.message' ? messageMinute : null, user, n.kind, n.title]);
    }
  }
  const history = (await admin.get(`/api/records/${path.entity}/${recordId}/history`)).body.items as { action: string; at: string }[];
  // an approval chain's own writes have no step: on submit (the first task's opening), on its end (the last decision)
  const chainWrites = [ended.tasks.find((t) => t.kind === 'approval')?.createdAt, history.filter((h) => h.action === 'approve').at(-1)?.at];
  // the run's own writes: a step of its own or an approval chain's (no step), not those of another run on the record
  const ownSteps = new Set(ended.timeline.map((e) => e.step));
  const changes = (await historyRows(admin, path.entity, recordId, ended.timeline)).slice(priorUpdates)
    .filter(([, step]) => step === null || ownSteps.has(`${step}`))
    .map(([at, step, actor, set]) => [step === null ? offset(t0, chainWrites.shift()!) : offset(t0, `${at}`), actor, relative(t0, set)]);
  return {
    timeline: ended.timeline.map((e) => [offset(t0, e.at), e.step, e.event]),
    tasks: ended.tasks.map((t) => [offset(t0, t.createdAt), t.step, t.status]),
    notices: notices.sort(byTime), changes,
  };
}

/** The same path through POST /api/config/simulate, a week ahead. */
async function simulatedRun(pathAt: (t0: number) => Promise<Path>): Promise<Yield> {
  const t0 = Math.ceil(Date.now() / minute) * minute + 7 * day;
  const path = await pathAt(t0);
  const record = { ...path.record, ...path.prior?.yields };
  const res = await (await stack.as('admin')).post('/api/config/simulate', {
    process: path.process, requester: 'sales1', start: new Date(t0).toISOString(), until: 'P30D', record,
    script: { tasks: path.answers.map(({ after, ...a }) => ({ ...a, after: `PT${after / minute}M` })) },
  });
  expect(res.status, JSON.stringify(res.body).slice(0, 1000)).toBe(200);
  expect(res.body.status).toBe('completed');
  const s = res.body as { timeline: TimelineEntry[]; tasks: Task[]; notifications: { at: string; to: string; kind: string; title: string }[]; recordChanges: SimulatedChange[]; recordId: string };
  return {
    timeline: s.timeline.map((e) => [offset(t0, e.at), e.step, e.event]),
    tasks: s.tasks.map((t) => [offset(t0, t.createdAt), t.step, t.status]),
    notices: s.notifications.filter((n) => noticeKinds.includes(n.kind)).map((n) => [offset(t0, n.at), n.to, n.kind, n.title])
      .sort(byTime),
    changes: simulatedRows(s.recordChanges.filter((c) => c.recordId === s.recordId), path.entity, record)
      .map(([at, actor, set]) => [offset(t0, `${at}`), actor, relative(t0, set)]),
  };
}

const paths: { name: string; path: (t0: number) => Promise<Path>; expected: Yield }[] = [
  {
    name: 'quote-approval: 35 % off 1.2 million, branch -> region -> head office and finance (all), a day apart',
    path: async () => ({
      process: 'quote-approval', entity: 'quote', record: quoteData(35, 1_200_000),
      answers: [
        { step: 'branch', by: 'branchmgr', after: 0 }, { step: 'region', by: 'regiondir', after: day },
        { step: 'head-office', by: 'hqvp', after: 2 * day }, { step: 'head-office', by: 'finance', after: 3 * day },
      ],
    }),
    expected: {
      timeline: [
        [0, 'branch', 'applies'], [0, 'region', 'applies'], [0, 'head-office', 'applies'], [0, 'branch', 'routed'], [0, 'branch', 'approve'],
        [0, 'region', 'routed'], [1440, 'region', 'approve'], [1440, 'head-office', 'routed'], [2880, 'head-office', 'approve'],
        [4320, 'head-office', 'approve'], [4320, 'chain', 'approved'], [4320, 'approve', 'approved'], [4320, 'end', 'end'],
      ],
      tasks: [[0, 'branch', 'completed'], [0, 'region', 'completed'], [1440, 'head-office', 'completed'], [1440, 'head-office', 'completed']],
      notices: [
        [0, 'branchmgr', 'task.assigned', 'Approve quote: Branch manager'], [0, 'regiondir', 'task.assigned', 'Approve quote: Regional director'],
        [1440, 'finance', 'task.assigned', 'Approve quote: Head office and finance'], [1440, 'hqvp', 'task.assigned', 'Approve quote: Head office and finance'],
      ],
      changes: [[0, 'system', { status: 'pending_approval' }], [4320, 'system', { status: 'approved' }]],
    },
  },
  {
    name: 'customer-review: first and second review by two distinct approvers, a day apart',
    path: async () => ({
      process: 'customer-review', entity: 'customer', record: { name: `New dealer ${Math.random().toString(36).slice(2, 7)}` },
      answers: [{ step: 'first-review', by: 'branchmgr', after: 0 }, { step: 'second-review', by: 'regiondir', after: day }],
    }),
    expected: {
      timeline: [
        [0, 'first-review', 'applies'], [0, 'second-review', 'applies'], [0, 'first-review', 'routed'], [0, 'first-review', 'approve'],
        [0, 'second-review', 'routed'], [1440, 'second-review', 'approve'], [1440, 'chain', 'approved'], [1440, 'review', 'approved'], [1440, 'end', 'end'],
      ],
      tasks: [[0, 'first-review', 'completed'], [0, 'second-review', 'completed']],
      // distinct approvers: the branch manager who gave the first review is not offered the second
      notices: [
        [0, 'branchmgr', 'task.assigned', 'Approve customer: First review'], [0, 'regiondir', 'task.assigned', 'Approve customer: First review'],
        [0, 'regiondir', 'task.assigned', 'Approve customer: Second review'],
      ],
      changes: [],
    },
  },
  {
    name: 'double-ten-review: the unit\'s collection lead answers two days later, written to the unit',
    path: async () => ({
      process: 'double-ten-review', entity: 'sales-unit', record: { name: `south-${Math.random().toString(36).slice(2, 7)}`, collectionLead: 'collector1' },
      answers: [{ step: 'review', by: 'collector1', after: 2 * day, data: { findings: 'Two dealers above 500,000', plan: 'Visit both in week 2' } }],
    }),
    expected: {
      timeline: [[0, 'review', 'task-opened'], [2880, 'review', 'task-completed'], [2880, 'end', 'end']],
      tasks: [[0, 'review', 'completed']],
      notices: [[0, 'collector1', 'task.assigned', 'Double-ten review: the 10 largest and the 10 oldest open receivables of the unit (R-11, R-12)']],
      changes: [[2880, 'collector1', { lastReviewAt: '+2880m', lastReviewNote: 'Two dealers above 500,000\nVisit both in week 2' }]],
    },
  },
  {
    name: 'quote-create-order: an approved quote with a customer drafts its order, links it and tells its author',
    path: async () => {
      const customerName = `Order dealer ${Math.random().toString(36).slice(2, 7)}`;
      const customer = await createRecord(await stack.as('sales1'), 'customer', { name: customerName });
      // 5 % off needs no approver: quote-approval approves it at once
      return { process: 'quote-create-order', entity: 'quote', record: { ...quoteData(5, 80_000, customerName), customer }, answers: [], prior: { process: 'quote-approval', yields: { status: 'approved' } } };
    },
    expected: {
      timeline: [[0, 'check', 'decided'], [0, 'create-order', 'done'], [0, 'link-order', 'done'], [0, 'notify-order', 'done'], [0, 'created', 'end']],
      tasks: [],
      notices: [[0, 'sales1', 'process.message', 'The order of the approved quote is drafted']],
      // the new order's id differs between the two runs; the order itself is checked in quote-create-order.test.ts
      changes: [[0, 'system', { contract: expect.stringMatching(/^[0-9a-f-]{36}$/) }]],
    },
  },
  {
    name: 'receivable-aging: 31 days past its due date (Beijing time) is aged into d31_60, both fields set at the start',
    path: async (t0) => {
      const customer = await createRecord(await stack.as('sales1'), 'customer', { name: `Aging dealer ${Math.random().toString(36).slice(2, 7)}` });
      const beijingDate = (days: number) => new Date(t0 + 8 * hour + days * day).toISOString().slice(0, 10);
      return { process: 'receivable-aging', entity: 'receivable', record: { customer, amount: 1_000, shippedAt: beijingDate(-61), dueDate: beijingDate(-31), salesUnit: 'aging-unit' }, answers: [] };
    },
    // its collections-escalation run (started when the receivable is created) is not part of it
    expected: {
      timeline: [[0, 'age', 'done'], [0, 'bucket', 'decided'], [0, 'record-bucket', 'done'], [0, 'end', 'end']],
      tasks: [], notices: [],
      changes: [[0, 'system', { agingDays: 31 }], [0, 'system', { agingBucket: 'd31_60' }]],
    },
  },
];

describe('starter processes: the longest path on simulated time and through the simulator', () => {
  for (const { name, path, expected } of paths) {
    it(name, async () => {
      const real = await realRun(path);
      const simulated = await simulatedRun(path);
      expect(real).toEqual(expected);
      expect(simulated).toEqual(expected);
    }, 180_000);
  }
});
