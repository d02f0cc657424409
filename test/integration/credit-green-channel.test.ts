import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Stack } from '../support/stack-core.js';
import { startTimeSkippingStack, minute, day } from '../support/time-skipping.js';
import { eventually } from '../support/http.js';
import { openTaskOf, processIn, processUrl } from '../support/processes.js';
import { answersAll, statementsForLine } from '../support/credit.js';
import { creditRuns, minuteAt, minuteOf } from '../support/credit-runs.js';

// The green channel's follow-up days (C-10, decision 0104) published while a run waits: a stack of its own, since
// the runs the other credit tests leave waiting slow the time-skipping server's jumps of weeks.
let env: TestWorkflowEnvironment;
let stack: Stack;
let stopAll: () => Promise<void>;

beforeAll(async () => {
  ({ env, stack, stop: stopAll } = await startTimeSkippingStack());
}, 120_000);

afterAll(async () => {
  await stopAll?.();
});

type TimelineEntry = { step: string; event: string; at: string };

const { as, recordOf, sleepUntil, complete, newApplication } = creditRuns(() => ({ env, stack }));
const m = minuteOf;
const at = minuteAt;
const statements = statementsForLine(750_000 / 0.8);

describe('credit evaluation: the green channel follow-up days changed in configuration', () => {
  it('makes new runs wait the published days while a running one keeps the days of its version', async () => {
    const [admin, branchmgr, credit1] = await Promise.all(['admin', 'branchmgr', 'credit1'].map(as));
    const before = await newApplication({ ...statements, requestedAmount: 100_000 });
    const beforeReview = await openTaskOf(branchmgr, before.recordId, 'initial-review', 10_000);
    const { version, hash: _hash, ...bundle } = (await admin.get('/api/config')).body;
    const variables = bundle.processes['credit-evaluation'].variables as Record<string, { default: number }>;
    expect(variables.greenChannelFollowUpDays.default).toBe(30);
    variables.greenChannelFollowUpDays.default = 10;
    expect((await admin.post('/api/config/publish', bundle)).status).toBe(201);
    const after = await newApplication({ ...statements, requestedAmount: 100_000 });
    const afterReview = await openTaskOf(branchmgr, after.recordId, 'initial-review', 10_000);

    const t1 = await env.currentTimeMs();
    await complete(branchmgr, beforeReview, { outcome: 'green_channel' });
    await complete(branchmgr, afterReview, { outcome: 'green_channel' });
    const shipped = await eventually(async () => {
      const records = await Promise.all([before, after].map((a) => recordOf('credit-application', a.recordId)));
      return records.every((r) => r.followUpDays !== undefined) ? records : undefined;
    }, 10_000);
    // below the cap, the interim line is the requested amount
    expect(shipped.map((r) => [r.followUpDays, r.interimLine])).toEqual([[30, 100_000], [10, 100_000]]);

    await sleepUntil(t1 + 10 * day + minute);
    await openTaskOf(credit1, after.recordId, 'feature-scorecard', 10_000);
    expect((await admin.get(processUrl(before.processId))).body.openTasks).toEqual([]);
    await sleepUntil(t1 + 30 * day + minute);
    await openTaskOf(credit1, before.recordId, 'feature-scorecard', 10_000);

    const [oldRun, newRun] = await Promise.all([before, after].map(async ({ processId }) => (await admin.get(processUrl(processId))).body));
    expect(oldRun.configVersion).toBe(version);
    expect(newRun.configVersion).toBeGreaterThan(version);
    const fired = (run: { timeline: TimelineEntry[] }) => run.timeline.filter((e) => e.step === 'green-channel-follow-up' && e.event === 'timer-fired').map(at);
    expect(fired(newRun)).toEqual([m(Date.parse(shipped[1].greenChannelAt) + 10 * day)]);
    expect(fired(oldRun)).toEqual([m(Date.parse(shipped[0].greenChannelAt) + 30 * day)]);
    // a refusal after the green channel withdraws the interim line: grade 5 gives no line
    expect((await recordOf('customer', after.customer)).creditLine).toBe(100_000);
    await complete(credit1, await openTaskOf(credit1, after.recordId, 'feature-scorecard', 10_000), { data: { answers: answersAll(1) } });
    expect((await processIn(admin, after.processId, 'completed', 10_000)).outcome).toBe('refused');
    expect(await recordOf('customer', after.customer)).toMatchObject({ creditLine: 0 });
    await admin.post(`${processUrl(before.processId)}/cancel`, { reason: 'test over' });
  }, 180_000);
});
