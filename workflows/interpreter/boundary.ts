import { CancellationScope, isCancellation } from '@temporalio/workflow';
import type { Boundary, ProcessStepV2 } from '../../engine/domain/config/process-types.js';
import type { ProcessRun } from './run.js';
import { deadlineAfter, sleepUntil, sleepUntilFollowing, untilReader } from './timers.js';
import type { StepResult } from './types.js';

/**
 * Runs a step with its boundaries: the first boundary that fires (an event, a timer after a duration, a date)
 * cancels the step, and with it everything the step opened (tasks, timers, branches, child approvals), and the run
 * goes on at the boundary's `goto`.
 */
export async function withBoundaries(run: ProcessRun, step: ProcessStepV2, visit: number, work: () => Promise<StepResult>): Promise<StepResult> {
  const boundaries = step.boundary ?? [];
  if (!boundaries.length) return work();
  const body = new CancellationScope();
  const watchers = new CancellationScope();
  const done = body.run(work);
  const fired = watchers.run(() => Promise.race(boundaries.map((b, i) => watch(run, step.id, visit, i, b).then(() => i))));
  fired.catch(() => undefined);
  done.catch(() => undefined);
  const winner = await Promise.race([done.then((result) => ({ result })), fired.then((index) => ({ index }))]);
  if ('result' in winner) {
    watchers.cancel();
    return winner.result;
  }
  body.cancel();
  try {
    await done;
  } catch (error) {
    if (!isCancellation(error)) throw error;
  }
  const boundary = boundaries[winner.index];
  run.log(step.id, 'interrupted', { by: 'event' in boundary ? `event:${boundary.event}` : 'timer', goto: boundary.goto });
  return { goto: boundary.goto };
}

async function watch(run: ProcessRun, stepId: string, visit: number, index: number, boundary: Boundary): Promise<void> {
  const where = `boundary ${index} of step ${stepId}`;
  if ('event' in boundary) {
    const since = run.lastEventSeq;
    const record = boundary.correlate ? await run.record() : {};
    const correlate = boundary.correlate;
    const accepts = (payload: unknown) => !correlate || run.holds(correlate, run.context(record, { event: payload }), where);
    await run.nextEvent(boundary.event, since, accepts);
  } else if ('after' in boundary) {
    const key = `${stepId}:${visit}:${index}`;
    run.deadlines[key] ??= deadlineAfter(run, boundary.after, boundary.calendar, where);
    await sleepUntil(run.deadlines[key]);
  } else {
    await sleepUntilFollowing(run, untilReader(run, boundary.until, where), stepId);
  }
}
