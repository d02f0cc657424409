import { addBusinessDuration, addDuration, type Calendar } from '../calendar/index.js';
import type { ApproverSpec, Pipeline } from '../config/types.js';
import { stageOf, isClosed } from './select.js';

/** When a stay goes stale: the owner's reminder, then the escalation (each at most once per quiet period). */
export interface StaleSchedule {
  remindAt: string;
  /** Absent when the pipeline configures no escalation. */
  escalateAt?: string;
  /** The user field reminded (default: the pipeline's owner field). */
  remind: string;
  /** Absent: the manager of the reminded user. */
  escalateTo?: ApproverSpec;
}

/**
 * The stale limits of a stay that has been quiet since `quietSinceIso` (the move, or the last activity): reminder at
 * quietSince + (stage.staleAfter ?? stale.after), escalation at the reminder + stale.escalate.after, counted in
 * working time on the given calendar, else in wall-clock time. Null for closed stages and pipelines without `stale`.
 */
export function staleSchedule(pipeline: Pipeline, stageId: string, quietSinceIso: string, calendar?: Calendar): StaleSchedule | null {
  const stage = stageOf(pipeline, stageId);
  const stale = pipeline.stale;
  if (!stage || isClosed(stage) || !stale) return null;
  const add = (from: string, duration: string) => (calendar ? addBusinessDuration(from, duration, calendar) : addDuration(from, duration));
  const remindAt = add(quietSinceIso, stage.staleAfter ?? stale.after);
  const schedule: StaleSchedule = { remindAt, remind: stale.remind ?? pipeline.ownerField ?? 'owner' };
  if (stale.escalate) {
    schedule.escalateAt = add(remindAt, stale.escalate.after);
    if (stale.escalate.to) schedule.escalateTo = stale.escalate.to;
  }
  return schedule;
}
