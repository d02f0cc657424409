import { condition, sleep } from '@temporalio/workflow';
import { addBusinessDuration, addDuration } from '../../engine/domain/calendar/index.js';
import { nowIso, nowMs } from '../clock.js';
import { configFailure, type ProcessRun } from './run.js';

/** Now plus an ISO duration, counted in working time when a calendar is named. */
export function deadlineAfter(run: ProcessRun, duration: string, calendarName: string | undefined, where: string): string {
  try {
    if (!calendarName) return addDuration(nowIso(), duration);
    const calendar = run.input.calendars?.[calendarName];
    if (!calendar) configFailure('UNKNOWN_CALENDAR', `${where}: calendar "${calendarName}" is not configured`);
    return addBusinessDuration(nowIso(), duration, calendar);
  } catch (error) {
    if ((error as { type?: string }).type) throw error;
    configFailure('INVALID_DURATION', `${where}: ${(error as Error).message}`);
  }
}

/** A CEL result as an instant: a timestamp, an ISO date-time, or a date (midnight UTC). */
export function toInstant(value: unknown, where: string): string {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
  if (typeof value === 'string') {
    const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString();
  }
  configFailure('EXPRESSION_FAILED', `${where}: expected a date or timestamp, got ${JSON.stringify(value)}`);
}

export async function sleepUntil(deadline: string): Promise<void> {
  const ms = Date.parse(deadline) - nowMs();
  if (ms > 0) await sleep(ms);
}

/**
 * Sleeps until a date read from the record; when the record changes meanwhile, the date is read again and the timer
 * follows it (earlier or later). Returns the deadline that fired.
 */
export async function sleepUntilFollowing(run: ProcessRun, compute: () => Promise<string>, where: string): Promise<string> {
  for (;;) {
    const deadline = await compute();
    const seen = run.recordChanges;
    const ms = Date.parse(deadline) - nowMs();
    if (ms <= 0) return deadline;
    const changed = await condition(() => run.recordChanges !== seen, ms);
    if (!changed) return deadline;
    run.log(where, 're-armed', { previous: deadline });
  }
}

/** The deadline of `until` (CEL over the record) as it stands now. */
export function untilReader(run: ProcessRun, expression: string, where: string): () => Promise<string> {
  return async () => toInstant(run.evaluate(expression, run.context(await run.record()), where), where);
}
