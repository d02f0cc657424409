import type { WaitStep } from '../../../engine/domain/config/process-types.js';
import type { StepExecutor } from '../executor.js';
import { deadlineAfter, sleepUntil, sleepUntilFollowing, untilReader } from '../timers.js';

/**
 * A durable timer: `for` a duration (on a business calendar when named), or `until` a CEL date that is read again
 * whenever the record changes, so the timer follows the field it reads.
 */
export const runWait: StepExecutor<WaitStep> = async (step, { run, visit }) => {
  const where = `step ${step.id}`;
  if (step.until) {
    const fired = await sleepUntilFollowing(run, untilReader(run, step.until, where), step.id);
    run.log(step.id, 'timer-fired', { until: fired });
    return {};
  }
  const key = `${step.id}:${visit}:wait`;
  run.deadlines[key] ??= deadlineAfter(run, step.for ?? 'PT0S', step.calendar, where);
  run.log(step.id, 'waiting', { until: run.deadlines[key] });
  await sleepUntil(run.deadlines[key]);
  run.log(step.id, 'timer-fired', { until: run.deadlines[key] });
  return {};
};
