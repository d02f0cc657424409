import type { EventStep } from '../../../engine/domain/config/process-types.js';
import { exactMillis, parseIsoDuration } from '../../../engine/domain/calendar/index.js';
import type { StepExecutor } from '../executor.js';
import { configFailure } from '../run.js';

/** Waits for a named business event (that `correlate` accepts); its payload lands in `vars.<step>`. */
export const runEvent: StepExecutor<EventStep> = async (step, { run }) => {
  const where = `step ${step.id}`;
  const record = step.correlate ? await run.record() : {};
  const correlate = step.correlate;
  const accepts = (payload: unknown) => !correlate || run.holds(correlate, run.context(record, { event: payload }), where);
  let timeoutMs: number | undefined;
  if (step.timeout) {
    try {
      timeoutMs = exactMillis(parseIsoDuration(step.timeout));
    } catch (error) {
      configFailure('INVALID_DURATION', `${where}: ${(error as Error).message}`);
    }
  }
  run.log(step.id, 'listening', { event: step.event });
  const received = await run.nextEvent(step.event, run.lastEventSeq, accepts, timeoutMs);
  if (!received) {
    run.log(step.id, 'timed-out', { goto: step.onTimeout ?? null });
    return step.onTimeout ? { goto: step.onTimeout } : {};
  }
  run.vars[step.id] = received.payload ?? null;
  run.log(step.id, 'received', { event: step.event });
  return {};
};
