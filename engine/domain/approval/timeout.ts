import { addBusinessDuration, type Calendar } from '../calendar/business.js';
import { addDuration, isZeroDuration, parseIsoDuration, scaleDuration, type Duration } from '../calendar/duration.js';
import { parseInstant } from '../calendar/instant.js';
import { DomainError, ErrorCode } from '../errors.js';
import type { ApproverSpec, StepTimeout, TimeoutAction } from './types.js';

/** The most reminders one step ever schedules. */
export const MAX_REMINDERS = 50;

/** Where an escalation goes when the timeout names no `to`. */
export const DEFAULT_ESCALATION: ApproverSpec = { managerOf: 'approver' };

export type TimeoutSchedule = {
  /** When `action` fires, unless the step was decided before. */
  dueAt: string;
  /** When the open approvers are reminded, ascending; before dueAt, or after it when the action is `remind`. */
  reminders: string[];
  action: TimeoutAction;
  /** For `escalate`: who the open tasks go to (`to`, else the manager of each open task's approver). */
  escalateTo?: ApproverSpec;
};

function fail(message: string, path: string): never {
  throw new DomainError(ErrorCode.VALIDATION_FAILED, message, [{ path, message }]);
}

function positive(text: string, path: string): Duration {
  const d = parseIsoDuration(text, path);
  if (isZeroDuration(d)) fail(`${path.slice(1)} must be longer than zero, got "${text}"`, path);
  return d;
}

/**
 * Every instant a step's timeout acts on, computed once when the step opens; the workflow sleeps until each and
 * fires each exactly once (nothing here reads a clock).
 * - dueAt = stepStart + after; with a calendar, `after` counts working time (addBusinessDuration), else wall-clock.
 * - remindEvery: reminders at stepStart + k * remindEvery before dueAt; for action `remind` (whose dueAt is itself
 *   the first reminder) at dueAt + k * remindEvery instead. At most MAX_REMINDERS.
 * A timeout naming a calendar must be given that calendar (VALIDATION_FAILED otherwise: a wall-clock deadline would
 * silently be wrong); a calendar passed for a timeout that names none is used as its calendar.
 */
export function timeoutSchedule(timeout: StepTimeout, stepStartIso: string, calendar?: Calendar): TimeoutSchedule {
  if (timeout.calendar !== undefined && calendar === undefined) {
    fail(`calendar "${timeout.calendar}" of this timeout was not provided`, '/calendar');
  }
  const add = (start: string, d: Duration) => (calendar ? addBusinessDuration(start, d, calendar) : addDuration(start, d));
  const after = positive(timeout.after, '/after');
  const dueAt = add(stepStartIso, after);
  const reminders: string[] = [];
  if (timeout.remindEvery !== undefined) {
    const every = positive(timeout.remindEvery, '/remindEvery');
    const from = timeout.action === 'remind' ? dueAt : stepStartIso;
    const due = parseInstant(dueAt);
    for (let k = 1; reminders.length < MAX_REMINDERS; k++) {
      const at = add(from, scaleDuration(every, k));
      if (timeout.action !== 'remind' && parseInstant(at) >= due) break;
      if (reminders[reminders.length - 1] !== at) reminders.push(at);
    }
  }
  const schedule: TimeoutSchedule = { dueAt, reminders, action: timeout.action };
  if (timeout.action === 'escalate') schedule.escalateTo = timeout.to ?? DEFAULT_ESCALATION;
  return schedule;
}
