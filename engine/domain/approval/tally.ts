import { DomainError, ErrorCode } from '../errors.js';
import type { ApprovalMode, Decision, TallyResult } from './types.js';

/**
 * The state of one step from its decisions, taken in the order given (the recorded order).
 * Decisions by non-approvers are ignored, and only an approver's first decision counts.
 * - `any`: the first counted decision decides (approve -> approved, reject -> rejected).
 * - `all`: one rejection rejects; approved once every approver has approved; otherwise pending.
 * An empty approver list is an error (VALIDATION_FAILED), never a vacuous approval.
 */
export function tally(mode: ApprovalMode, approvers: string[], decisions: Decision[]): TallyResult {
  if (mode !== 'any' && mode !== 'all') {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `unknown approval mode ${JSON.stringify(mode)}`);
  }
  if (approvers.length === 0) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, 'a step needs at least one approver');
  }
  const first = new Map<string, Decision['outcome']>();
  for (const d of decisions) {
    if (!approvers.includes(d.actor) || first.has(d.actor)) continue;
    if (d.outcome !== 'approve' && d.outcome !== 'reject') continue;
    if (mode === 'any') return d.outcome === 'approve' ? 'approved' : 'rejected';
    if (d.outcome === 'reject') return 'rejected';
    first.set(d.actor, d.outcome);
  }
  if (mode === 'any') return 'pending';
  return approvers.every((a) => first.get(a) === 'approve') ? 'approved' : 'pending';
}
