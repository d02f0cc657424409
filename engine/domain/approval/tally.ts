import { DomainError, ErrorCode } from '../errors.js';
import type { ApprovalMode, Decision, TallyResult } from './types.js';

function fail(message: string): never {
  throw new DomainError(ErrorCode.VALIDATION_FAILED, message, [{ path: '', message }]);
}

/** Checks a mode's shape; returns it narrowed. */
export function checkMode(mode: unknown): ApprovalMode {
  if (mode === 'any' || mode === 'all') return mode;
  if (mode && typeof mode === 'object' && !Array.isArray(mode)) {
    const keys = Object.keys(mode);
    const value = (mode as Record<string, unknown>)[keys[0]];
    if (keys.length === 1 && keys[0] === 'kOfN' && Number.isInteger(value) && (value as number) >= 1) return { kOfN: value as number };
    if (keys.length === 1 && keys[0] === 'percent' && typeof value === 'number' && value > 0 && value <= 100) return { percent: value };
  }
  return fail(`unknown approval mode ${JSON.stringify(mode)} (expected "any", "all", {"kOfN": k >= 1} or {"percent": 0 < p <= 100})`);
}

/**
 * How many approvals a step needs from `approverCount` distinct approvers: `any` 1, `all` every one, `kOfN` k,
 * `percent` the smallest a with a * 100 >= p * n (so 50% of 3 is 2, 66% of 3 is 2, 67% of 3 is 3). A kOfN larger
 * than the number of approvers is VALIDATION_FAILED: the step could never be approved.
 */
export function requiredApprovals(mode: ApprovalMode, approverCount: number): number {
  const m = checkMode(mode);
  if (approverCount < 1) fail('a step needs at least one approver');
  if (m === 'any') return 1;
  if (m === 'all') return approverCount;
  if ('kOfN' in m) {
    if (m.kOfN > approverCount) fail(`mode kOfN ${m.kOfN} needs at least ${m.kOfN} approvers, but the step has ${approverCount}`);
    return m.kOfN;
  }
  // Integer arithmetic on hundredths keeps 100 * a >= p * n exact for percentages with up to two decimals.
  const p = Math.round(m.percent * 100);
  return Math.max(1, Math.ceil((p * approverCount) / 10_000 - 1e-12));
}

/**
 * The state of one step from its decisions, taken in the order given (the recorded order); the first terminal
 * state reached wins and later decisions are ignored. A decision counts for `onBehalfOf ?? actor`; decisions for
 * non-approvers are ignored, and only an approver's first decision counts.
 * - any `request_changes` -> `changes_requested` at once (unless the step was decided before it);
 * - `any`: the first counted approve or reject decides;
 * - `all`, `kOfN`, `percent`: approved once the required approvals (requiredApprovals) are in; rejected as soon as
 *   the approvers who have not rejected are fewer than required (for `all`: the first rejection).
 * An empty approver list is an error (VALIDATION_FAILED), never a vacuous approval.
 */
export function tally(mode: ApprovalMode, approvers: string[], decisions: Decision[]): TallyResult {
  const m = checkMode(mode);
  const people = [...new Set(approvers)];
  const required = requiredApprovals(m, people.length);
  const counted = new Set<string>();
  let approvals = 0;
  let rejections = 0;
  for (const d of decisions) {
    const who = d.onBehalfOf ?? d.actor;
    if (!people.includes(who) || counted.has(who)) continue;
    if (d.outcome !== 'approve' && d.outcome !== 'reject' && d.outcome !== 'request_changes') continue;
    counted.add(who);
    if (d.outcome === 'request_changes') return 'changes_requested';
    if (m === 'any') return d.outcome === 'approve' ? 'approved' : 'rejected';
    if (d.outcome === 'approve') approvals += 1;
    else rejections += 1;
    if (approvals >= required) return 'approved';
    if (people.length - rejections < required) return 'rejected';
  }
  return 'pending';
}
