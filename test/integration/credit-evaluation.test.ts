import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Stack } from '../support/stack-core.js';
import { startTimeSkippingStack, minute, hour, day } from '../support/time-skipping.js';
import { eventually } from '../support/http.js';
import { createRecord, openTaskOf, processIn, processUrl } from '../support/processes.js';
import { answersAll, applicationData, independentRating, statementsForLine, type Bundle } from '../support/credit.js';
import { creditRuns, minuteAt, minuteOf } from '../support/credit-runs.js';
import { historyRows, simulatedRows, withoutStep, type SimulatedChange } from '../support/run-timeline.js';


let env: TestWorkflowEnvironment;
let stack: Stack;
let stopAll: () => Promise<void>;

beforeAll(async () => {
  ({ env, stack, stop: stopAll } = await startTimeSkippingStack());
}, 120_000);

afterAll(async () => {
  await stopAll?.();
});

type TimelineEntry = { step: string; event: string; at: string; detail?: Record<string, unknown> };
type HistoryEntry = { at: string; action: string; actor: string; changes: Record<string, { after: unknown }>; context?: { step?: string } };

const { as, recordOf, sleepUntil, complete, newApplication } = creditRuns(() => ({ env, stack }));
const m = minuteOf;
const at = minuteAt;

/** Initial review (evaluate) and the analyst's scorecard: up to the approval, whose task is returned. */
async function toApproval(recordId: string, answers: Record<string, number>, outcome = 'evaluate') {
  const branchmgr = await as('branchmgr');
  await complete(branchmgr, await openTaskOf(branchmgr, recordId, 'initial-review', 10_000), { outcome });
  const credit1 = await as('credit1');
  await complete(credit1, await openTaskOf(credit1, recordId, 'feature-scorecard', 10_000), { data: { answers } });
  return eventually(async () => {
    const rating = (await recordOf('credit-application', recordId)).creditRating as string | undefined;
    return rating === undefined ? undefined : { rating };
  }, 10_000).then((r) => r.rating);
}

async function feedOf(user: string, recordId: string) {
  const items = (await (await as(user)).get('/api/notifications')).body.items as { title: string; createdAt?: string; at?: string; link?: { recordId?: string } }[];
  return items.filter((n) => n.link?.recordId === recordId).map((n) => n.title);
}

/** The green channel's follow-up evaluation starts this long after it (process variable greenChannelFollowUpDays). */
const followUp = 30 * day;
/**
 * The longest path's tasks and actions at their simulated minutes: the real run and the simulation must both give
 * these. The green channel at t0 + 1 h ships first; the evaluation starts at `f` = t0 + 1 h + 30 days.
 */
const longestPathTasks = (t0: number, review: number, f = t0 + hour + followUp) => [
  [m(t0), 'initial-review', 'task-opened'],
  [m(t0 + hour), 'initial-review', 'task-completed'],
  [m(f), 'green-channel-follow-up', 'timer-fired'],
  [m(f), 'feature-scorecard', 'task-opened'],
  [m(f + day), 'feature-scorecard', 'task-completed'],
  [m(f + 2 * day), 'agreement', 'task-opened'],
  [m(f + 3 * day), 'agreement', 'task-completed'],
  [m(review), 'until-review', 'timer-fired'],
];
const longestPathActions = (t0: number, review: number, f = t0 + hour + followUp) => [
  [m(t0 + hour), 'green-channel-line'], [m(t0 + hour), 'green-channel-customer'], [m(t0 + hour), 'green-channel-ship'],
  [m(f), 'green-channel-evaluate'], [m(f), 'ratios'], [m(f), 'short-term-standards'],
  [m(f + day), 'feature-grade'], [m(f + day), 'operating-assets'], [m(f + day), 'line'], [m(f + day), 'rating'],
  [m(f + 3 * day), 'granted'], [m(f + 3 * day), 'update-customer'], [m(f + 3 * day), 'file-agreement'],
  [m(review), 'periodic-review'], [m(review), 'reevaluate'], [m(review), 'start-reevaluation'],
];
const greenChannelNotice = 'Green channel: the goods may ship first within the interim line; the credit evaluation follows after the follow-up days (C-10)';
/**
 * The longest path's notifications, [what sends it, recipient, kind, title] in the order they are sent: a task step
 * (`task.assigned` when its task opens) or a notify action (`process.message` when it is done).
 */
const longestPathNotices = [
  ['initial-review', 'branchmgr', 'task.assigned', 'Initial review of the credit-sales application: green channel, evaluate, or reject (C-09)'],
  ['green-channel-ship', 'sales1', 'process.message', greenChannelNotice],
  ['feature-scorecard', 'credit1', 'task.assigned', 'Answer the feature analysis: 72 facts, 0 (worst) to 4 (best) (C-17..C-20)'],
  ['marketing-management', 'creditmgr', 'task.assigned', 'Approve credit-application: Marketing management department'],
  ['agreement', 'sales1', 'task.assigned', 'Sign the credit-sales agreement: amount, term and security (C-27, C-28)'],
  ['file-agreement', 'creditmgr', 'process.message', 'File the credit-sales agreement and open the customer account; the receivable enters tracking (C-29)'],
];
/** ... with their minutes: a task's at its opening, a message at its action. */
const noticesAt = (t0: number, f = t0 + hour + followUp) => {
  const when: Record<string, number> = { 'initial-review': t0, 'green-channel-ship': t0 + hour, 'feature-scorecard': f, 'marketing-management': f + day, agreement: f + 2 * day, 'file-agreement': f + 3 * day };
  return longestPathNotices.map(([source, to, kind, title]) => [m(when[source]), to, kind, title]);
};
/** The application's and the customer's field changes, [minute, step, actor, fields changed]; the approval chain's own writes have no step. */
const longestPathChanges = (t0: number, review: number, f = t0 + hour + followUp) => ({
  application: [
    [m(t0 + hour), 'initial-review', 'branchmgr', ['customerFeedback', 'reviewNote', 'shipFirst', 'status']],
    [m(t0 + hour), 'green-channel-line', 'system', ['followUpDays', 'greenChannelAt', 'interimLine']],
    [m(f), 'green-channel-evaluate', 'system', ['status']],
    [m(f), 'ratios', 'system', ['ratios', 'termType']],
    [m(f), 'short-term-standards', 'system', ['ratioAssessment', 'ratioExplanation', 'ratioScore']],
    [m(f + day), 'feature-scorecard', 'credit1', ['featureAnswers']],
    [m(f + day), 'feature-grade', 'system', ['featureExplanation', 'featureGrade', 'featureScore']],
    [m(f + day), 'operating-assets', 'system', ['evaluationValue', 'netAssets', 'operatingAssets', 'workingCapital']],
    [m(f + day), 'line', 'system', ['creditLine', 'operatingAssetLine']],
    [m(f + day), 'rating', 'system', ['creditBand', 'creditRating', 'report']],
    [m(f + day), null, 'system', ['status']], // the approval chain's onSubmit: pending_approval
    [m(f + 2 * day), null, 'system', ['status']], // its onApproved: approved
    [m(f + 3 * day), 'agreement', 'sales1', ['agreedAmount', 'agreedTermDays', 'securityType', 'securityValue']],
    [m(f + 3 * day), 'granted', 'system', ['grantedAt', 'status']],
    [m(review), 'periodic-review', 'system', ['reevaluationReason', 'status']],
  ],
  customer: [
    [m(t0 + hour), 'green-channel-customer', 'system', ['creditLine']], // the interim line
    [m(f + 3 * day), 'update-customer', 'system', ['creditLine', 'rating']],
  ],
});
const keysOf = (rows: unknown[][]) => rows.map((r) => [...r.slice(0, -1), Object.keys(r.at(-1) as object).sort()]);
const taskEvents = (timeline: TimelineEntry[]) =>
  timeline.filter((e) => ['task-opened', 'task-completed', 'timer-fired'].includes(e.event)).map((e) => [at(e), e.step, e.event]);
const actionEvents = (timeline: TimelineEntry[]) => timeline.filter((e) => e.event === 'done').map((e) => [at(e), e.step]);
/** Six calendar months after `ms` (P6M on the wall clock). */
const sixMonthsAfter = (ms: number) => {
  const d = new Date(ms);
  d.setUTCMonth(d.getUTCMonth() + 6);
  return d.getTime();
};

const statements = statementsForLine(750_000 / 0.8); // operating-asset line 937,500; grade 2 makes it 750,000

describe('credit evaluation (C-01..C-29) on simulated time', () => {
  it('runs the longest path: green channel (interim line, 30-day follow-up), ratios, scorecard, grade, line, band, rating, approval, agreement, customer, and the six-month re-evaluation', async () => {
    // start just after a simulated minute begins, so that the minutes the run records match under load
    await sleepUntil(Math.ceil((await env.currentTimeMs()) / minute) * minute + 1_000);
    const t0 = await env.currentTimeMs();
    const f = t0 + hour + followUp;
    const { customer, recordId, processId } = await newApplication({ ...statements, creditTermDays: 60, requestedAmount: 800_000 });
    const [sales1, branchmgr, credit1, creditmgr, admin] = await Promise.all(['sales1', 'branchmgr', 'credit1', 'creditmgr', 'admin'].map(as));

    const review = await openTaskOf(branchmgr, recordId, 'initial-review', 10_000);
    expect(review).toMatchObject({ assignee: 'branchmgr' });
    await sleepUntil(t0 + hour);
    await complete(branchmgr, review, { outcome: 'green_channel', data: { note: 'government procurement, urgent' } });
    // ship first: the sales rep is told, the customer has the interim line (800,000 requested, capped at 300,000)
    await eventually(async () => (await recordOf('customer', customer)).creditLine === 300_000, 10_000);
    expect(await feedOf('sales1', recordId)).toEqual([greenChannelNotice]);
    const shipped = await recordOf('credit-application', recordId);
    expect(shipped).toMatchObject({ status: 'green_channel', shipFirst: true, interimLine: 300_000, followUpDays: 30 });
    expect(at({ at: shipped.greenChannelAt })).toBe(m(t0 + hour));
    // no evaluation task during the follow-up days
    await sleepUntil(f - minute);
    expect((await (await as('admin')).get(processUrl(processId))).body.openTasks).toEqual([]);
    await sleepUntil(f + minute);
    const scorecard = await openTaskOf(credit1, recordId, 'feature-scorecard', 10_000);
    expect(scorecard.candidates).toEqual(['credit1']);
    expect((await recordOf('credit-application', recordId)).status).toBe('evaluating');

    await sleepUntil(f + day);
    await complete(credit1, scorecard, { data: { answers: answersAll(3) } });
    const approval = await openTaskOf(creditmgr, recordId, undefined, 10_000);
    expect(approval.kind).toBe('approval');
    const evaluated = await recordOf('credit-application', recordId);
    expect(evaluated).toMatchObject({
      status: 'pending_approval', termType: 'short', ratioScore: 3, ratioAssessment: 'strong', featureScore: 216, featureGrade: '2',
      operatingAssets: 3_750_000, operatingAssetLine: 937_500, creditLine: 750_000, creditBand: '3A', creditRating: '3A2',
    });
    expect(evaluated.report).toContain('rating 3A2; line 750000 CNY; feature score 216 of 288, grade 2');
    expect(evaluated.featureExplanation).toHaveLength(72);
    expect(evaluated.featureExplanation[0]).toEqual({ id: 'a1-1', counted: true, points: 3, weight: 1, weighted: 3 });

    await sleepUntil(f + 2 * day);
    await complete(creditmgr, approval, { outcome: 'approve', comment: 'report reviewed' });
    const agreement = await openTaskOf(sales1, recordId, 'agreement', 10_000);
    await sleepUntil(f + 3 * day);
    await complete(sales1, agreement, { data: { amount: 900_000, termDays: 60, security: 'mortgage', securityValue: 400_000 } });
    await eventually(async () => (await recordOf('customer', customer)).rating === '3A2', 10_000);
    expect(await recordOf('customer', customer)).toMatchObject({ creditLine: 750_000, rating: '3A2' });
    expect(await recordOf('credit-application', recordId)).toMatchObject({ status: 'granted', agreedAmount: 750_000, agreedTermDays: 60, securityType: 'mortgage', securityValue: 400_000 });
    expect(await feedOf('creditmgr', recordId)).toContain('File the credit-sales agreement and open the customer account; the receivable enters tracking (C-29)');

    const granted = f + 3 * day;
    const review6 = new Date(sixMonthsAfter(granted));
    await sleepUntil(review6.getTime() - day);
    expect((await admin.get(processUrl(processId))).body.status).toBe('running');
    await sleepUntil(review6.getTime() + minute);
    const ended = await processIn(admin, processId, 'completed', 10_000);
    expect(ended.outcome).toBe('granted');
    const next = (await admin.get(`/api/records/credit-application?filter=${encodeURIComponent(`record.reevaluationOf == "${evaluated.number}"`)}`)).body.items;
    expect(next).toHaveLength(1);
    expect(next[0].data).toMatchObject({ customer, reevaluationReason: 'six-month cycle (C-05)', status: 'submitted', balanceSheet: statements.balanceSheet });
    const nextReview = await openTaskOf(branchmgr, next[0].id, 'initial-review', 10_000);
    expect(nextReview.assignee).toBe('branchmgr');

    expect(taskEvents(ended.timeline)).toEqual(longestPathTasks(t0, review6.getTime()));
    // Field changes: the audit history says what changed, by whom and in which step; the timeline says when (simulated).
    const history = (await admin.get(`/api/records/credit-application/${recordId}/history`)).body.items as HistoryEntry[];
    // the approval chain's writes have no step: the first when its task opens, the second when it is decided
    const approvalTask = (ended.tasks as { kind: string; createdAt: string }[]).find((t) => t.kind === 'approval')!;
    const decided = history.find((h) => h.action === 'approve')!;
    const chainWrites = [m(Date.parse(approvalTask.createdAt)), m(Date.parse(decided.at))];
    const changes = keysOf(await historyRows(admin, 'credit-application', recordId, ended.timeline)).map((row) => (row[1] === null ? [chainWrites.shift(), ...row.slice(1)] : row));
    const expectedChanges = longestPathChanges(t0, review6.getTime());
    expect(changes).toEqual(expectedChanges.application);
    expect(keysOf(await historyRows(admin, 'customer', customer, ended.timeline))).toEqual(expectedChanges.customer);
    const feeds = new Map(await Promise.all([...new Set(longestPathNotices.map((n) => n[1]))].map(async (u) => [u, ((await (await as(u)).get('/api/notifications')).body.items as { kind: string; title: string; link?: { recordId?: string } }[])
      .filter((n) => n.link?.recordId === recordId)] as const)));
    const openedAt = (step: string) => m(Date.parse((ended.tasks as { step: string; createdAt: string }[]).find((t) => t.step === step)!.createdAt));
    expect(longestPathNotices.map(([source, to, kind, title]) => [kind === 'task.assigned' ? openedAt(source) : actionEvents(ended.timeline).find((a) => a[1] === source)![0], to, kind,
      feeds.get(to)!.find((n) => n.kind === kind && n.title === title)?.title])).toEqual(noticesAt(t0));
    expect(actionEvents(ended.timeline)).toEqual(longestPathActions(t0, review6.getTime()));
    expect(ended.tasks.map((t: { step: string; status: string }) => [t.step, t.status])).toEqual([
      ['initial-review', 'completed'], ['feature-scorecard', 'completed'], ['marketing-management', 'completed'], ['agreement', 'completed'],
    ]);
    await (await as('admin')).post(`${processUrl(`credit-evaluation:credit-application:${next[0].id}`)}/cancel`, { reason: 'test over' });
  }, 240_000);
  it('re-evaluates at once when a sudden event is reported: both bodies are told and a new application is evaluated (C-06, C-07)', async () => {
    const { recordId, processId } = await newApplication({ ...statements });
    await toApproval(recordId, answersAll(3));
    const [creditmgr, sales1, admin] = await Promise.all(['creditmgr', 'sales1', 'admin'].map(as));
    await complete(creditmgr, await openTaskOf(creditmgr, recordId, undefined, 10_000), { outcome: 'approve' });
    await complete(sales1, await openTaskOf(sales1, recordId, 'agreement', 10_000), { data: { amount: 500_000, termDays: 60, security: 'pledge' } });
    await eventually(async () => (await admin.get(processUrl(processId))).body.listening?.includes('litigation'), 10_000);
    expect((await admin.get(processUrl(processId))).body.listening).toEqual(expect.arrayContaining([
      'legal_representative_changed', 'leadership_reshuffled', 'business_manager_changed', 'assets_sold', 'contract_property_transferred',
      'major_investment', 'restructuring', 'litigation', 'accident', 'external_guarantee',
    ]));
    const reported = await sales1.post('/api/events/litigation', { entity: 'credit-application', recordId, payload: { note: 'sued by a supplier' } });
    expect(reported.status).toBe(202);
    expect(reported.body.delivered).toEqual([processId]);
    const ended = await processIn(admin, processId, 'completed', 10_000);
    expect(ended.timeline.some((e: TimelineEntry) => e.step === 'periodic-review')).toBe(false);
    expect(await recordOf('credit-application', recordId)).toMatchObject({ status: 'superseded', reevaluationReason: 'sudden event reported (C-06, C-07)' });
    expect(await feedOf('branchmgr', recordId)).toContain('A sudden event was reported for a customer with credit: adjust the line or decide on credit (C-07)');
    expect(await feedOf('creditmgr', recordId)).toContain('A sudden event was reported for a customer with credit: adjust the line or decide on credit (C-07)');
    const number = (await recordOf('credit-application', recordId)).number;
    const next = (await admin.get(`/api/records/credit-application?filter=${encodeURIComponent(`record.reevaluationOf == "${number}"`)}`)).body.items;
    expect(next).toHaveLength(1);
    await openTaskOf(await as('branchmgr'), next[0].id, 'initial-review', 10_000);
    await admin.post(`${processUrl(`credit-evaluation:credit-application:${next[0].id}`)}/cancel`, { reason: 'test over' });
  }, 120_000);

  it('rejects at initial review with feedback to the customer (C-09), and refuses credit for grades 5 and 6 (C-20)', async () => {
    const rejected = await newApplication({ ...statements });
    const branchmgr = await as('branchmgr');
    await complete(branchmgr, await openTaskOf(branchmgr, rejected.recordId, 'initial-review', 10_000),
      { outcome: 'reject', data: { customerFeedback: 'no business licence on file' } });
    expect((await processIn(await as('admin'), rejected.processId, 'completed', 10_000)).outcome).toBe('rejected');
    expect(await recordOf('credit-application', rejected.recordId)).toMatchObject({ status: 'rejected', customerFeedback: 'no business licence on file' });
    expect(await feedOf('sales1', rejected.recordId)).toContain('Credit sales not granted at initial review: tell the customer promptly (C-09)');

    const poor = await newApplication({ ...statements });
    expect(await toApproval(poor.recordId, answersAll(1))).toBe('');
    expect((await processIn(await as('admin'), poor.processId, 'completed', 10_000)).outcome).toBe('refused');
    expect(await recordOf('credit-application', poor.recordId)).toMatchObject({ featureScore: 72, featureGrade: '5', creditLine: 0, creditBand: 'none', status: 'refused' });
  }, 120_000);
});

describe('credit rating from the published configuration', () => {
  it('gives a test customer the rating computed in the test from the configuration JSON alone', async () => {
    const bundle = (await (await as('admin')).get('/api/config')).body as Bundle;
    const given = statementsForLine(1_600_000);
    // A mixed sheet: every financial-credit fact 4, the first aspect of the other items 2, the rest 3 (228 of 288).
    const pick = (key: string) => (key.startsWith('c') ? 4 : key.endsWith('_1') ? 2 : 3);
    const answers = answersAll(0, pick);
    const expected = independentRating(bundle, given, answers);
    expect(expected).toMatchObject({ featureGrade: '2', band: '4A' });
    const { recordId, customer } = await newApplication({ ...given, creditTermDays: 180 });
    expect(await toApproval(recordId, answers)).toBe(expected.rating);
    expect(await recordOf('credit-application', recordId)).toMatchObject({
      termType: 'long', featureScore: expected.featureScore, featureGrade: expected.featureGrade, creditLine: expected.creditLine,
      creditBand: expected.band, operatingAssets: expected.operatingAssets,
    });
    const [creditmgr, sales1] = await Promise.all(['creditmgr', 'sales1'].map(as));
    await complete(creditmgr, await openTaskOf(creditmgr, recordId, undefined, 10_000), { outcome: 'approve' });
    await complete(sales1, await openTaskOf(sales1, recordId, 'agreement', 10_000), { data: { amount: 600_000, termDays: 180, security: 'none' } });
    await eventually(async () => (await recordOf('customer', customer)).rating === expected.rating, 10_000);
    expect((await recordOf('customer', customer)).creditLine).toBe(600_000);
  }, 120_000);

  it.each([
    [299_999, '1A'], [300_000, '2A'], [599_999, '2A'], [600_000, '3A'], [1_000_000, '4A'], [1_499_999, '4A'], [1_500_000, '5A'],
  ])('puts a line of %i CNY in band %s (half-open [lower, upper))', async (line, band) => {
    const { recordId, processId } = await newApplication({ ...statementsForLine(line) });
    expect(await toApproval(recordId, answersAll(4))).toBe(`${band}1`);
    expect(await recordOf('credit-application', recordId)).toMatchObject({ creditLine: line, creditBand: band, featureGrade: '1' });
    await (await as('admin')).post(`${processUrl(processId)}/cancel`, { reason: 'test over' });
  }, 60_000);
});

describe('credit evaluation: a threshold changed in configuration', () => {
  it('applies a published band threshold to new runs while a running one keeps its version', async () => {
    const admin = await as('admin');
    const before = await newApplication({ ...statementsForLine(650_000) });
    await openTaskOf(await as('branchmgr'), before.recordId, 'initial-review', 10_000);
    const { version, hash: _hash, ...bundle } = (await admin.get('/api/config')).body;
    const rules = bundle.decisionTables['credit-bands'].rules as { when: string; output: string }[];
    rules.find((r) => r.output === '3A')!.when = 'record.creditLine >= 700000.0';
    expect((await admin.post('/api/config/publish', bundle)).status).toBe(201);
    const after = await newApplication({ ...statementsForLine(650_000) });
    expect(await toApproval(after.recordId, answersAll(4))).toBe('2A1');
    expect(await toApproval(before.recordId, answersAll(4))).toBe('3A1');
    const [oldRun, newRun] = await Promise.all([before, after].map(async ({ processId }) => (await admin.get(processUrl(processId))).body));
    expect(oldRun.configVersion).toBe(version);
    expect(newRun.configVersion).toBeGreaterThan(version);
    for (const { processId } of [before, after]) await admin.post(`${processUrl(processId)}/cancel`, { reason: 'test over' });
  }, 120_000);
});

describe('credit evaluation: simulation', () => {
  it('gives the same timeline through POST /api/config/simulate, weeks in seconds, writing nothing', async () => {
    const [admin, sales1] = await Promise.all(['admin', 'sales1'].map(as));
    const customer = await createRecord(sales1, 'customer', { name: 'Simulated dealer' });
    const t0 = Date.now() + minute;
    const f = t0 + hour + followUp;
    const review = sixMonthsAfter(f + 3 * day);
    const res = await admin.post('/api/config/simulate', {
      process: 'credit-evaluation', requester: 'sales1', start: new Date(t0).toISOString(), until: 'P8M',
      record: applicationData(customer, { ...statements, creditTermDays: 60, requestedAmount: 800_000 }),
      script: {
        tasks: [
          { step: 'initial-review', outcome: 'green_channel', after: 'PT1H', data: { note: 'government procurement, urgent' } },
          { step: 'feature-scorecard', after: 'P31DT1H', data: { answers: answersAll(3) } },
          { step: 'approve', after: 'P32DT1H' },
          { step: 'agreement', after: 'P33DT1H', data: { amount: 900_000, termDays: 60, security: 'mortgage', securityValue: 400_000 } },
        ],
      },
    });
    expect(res.status, JSON.stringify(res.body).slice(0, 800)).toBe(200);
    expect(res.body, JSON.stringify(res.body.error) + JSON.stringify(res.body.timeline.slice(-4))).toMatchObject({ status: "completed", outcome: "granted" });
    expect(taskEvents(res.body.timeline)).toEqual(longestPathTasks(t0, review));
    expect(actionEvents(res.body.timeline)).toEqual(longestPathActions(t0, review));
    const notes = (res.body.notifications as { at: string; to: string; kind: string; title: string; process?: string }[])
      .filter((n) => !n.process && (n.kind === 'task.assigned' || n.kind === 'process.message')).map((n) => [at(n), n.to, n.kind, n.title]);
    expect(notes).toEqual(noticesAt(t0));
    const simulated = res.body.recordChanges as SimulatedChange[];
    const expectedChanges = longestPathChanges(t0, review);
    expect(keysOf(simulatedRows(simulated.filter((c) => c.recordId === res.body.recordId), 'credit-application'))).toEqual(withoutStep(expectedChanges.application));
    expect(keysOf(simulatedRows(simulated, 'customer'))).toEqual(withoutStep(expectedChanges.customer));
    // the six-month re-evaluation is a run of its own (a startProcess action): its task is listed, marked with its run
    expect(res.body.tasks.filter((t: { processId?: string }) => t.processId).map((t: { process: string; step: string; status: string }) => [t.process, t.step, t.status]))
      .toEqual([['credit-evaluation', 'initial-review', 'open']]);
    const customerChanges = simulated.filter((c) => c.entity === 'customer').map((c) => [at(c), c.set]);
    expect(customerChanges).toEqual([[m(t0 + hour), { creditLine: 300_000 }], [m(f + 3 * day), { creditLine: 750_000, rating: '3A2' }]]);
    expect((await admin.get(`/api/records/customer/${customer}`)).body.data.rating).toBeUndefined();
  }, 120_000);
});
