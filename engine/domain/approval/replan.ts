import { DomainError, ErrorCode } from '../errors.js';
import { planSteps } from './plan.js';
import type { ChainStep, RecordChangePolicy, StepPlan } from './types.js';

/**
 * The plan after the record changed while the chain runs (the chain's `onRecordChange`):
 * - `reevaluate`: completed steps stay as they were (`completed: true`); every other step is planned again against
 *   the new record, so a step may now apply or be skipped.
 * - `restart`: a fresh plan of every step against the new record; completed steps count for nothing.
 * - `continue`: the plan in force (`previous`, required) unchanged.
 */
export function replanSteps(
  steps: ChainStep[],
  record: Record<string, unknown>,
  requester: unknown,
  completedStepIds: string[],
  policy: RecordChangePolicy,
  previous?: StepPlan[],
): StepPlan[] {
  if (policy === 'continue') {
    if (!previous) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'policy "continue" keeps the previous plan: pass it');
    return previous;
  }
  if (policy !== 'reevaluate' && policy !== 'restart') {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `unknown onRecordChange policy ${JSON.stringify(policy)}`);
  }
  const fresh = planSteps(steps, record, requester);
  if (policy === 'restart') return fresh;
  return fresh.map((p) =>
    completedStepIds.includes(p.stepId)
      ? { stepId: p.stepId, applies: true, reason: 'completed before the record changed', completed: true }
      : p,
  );
}

function equalJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(rb, k) && equalJson(ra[k], rb[k]));
}

/** Top-level fields whose value differs between two versions of a record, sorted. */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !equalJson(before[k], after[k])).sort();
}

/**
 * What a record change means for a running chain: `none` when only `ignore`d fields changed (e.g. the ones the
 * chain's own onSubmit wrote) or nothing did; otherwise the policy's action (`continue`, `reevaluate`, `restart`).
 */
export function recordChangeAction(
  policy: RecordChangePolicy,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  ignore: string[] = [],
): { action: 'none' | RecordChangePolicy; changed: string[] } {
  const changed = changedFields(before, after).filter((f) => !ignore.includes(f));
  return { action: changed.length === 0 ? 'none' : policy, changed };
}

/** Whether the change needs the chain started over (policy `restart` and a relevant field changed). */
export function restartRequired(policy: RecordChangePolicy, before: Record<string, unknown>, after: Record<string, unknown>, ignore: string[] = []): boolean {
  return recordChangeAction(policy, before, after, ignore).action === 'restart';
}

/**
 * For `onReject: 'previous'`: the applicable step before `stepId` in the plan, or null when there is none (the
 * rejection then ends the chain).
 */
export function previousApplicableStep(plan: StepPlan[], stepId: string): string | null {
  const index = plan.findIndex((p) => p.stepId === stepId);
  for (let i = index - 1; i >= 0; i--) if (plan[i].applies) return plan[i].stepId;
  return null;
}
