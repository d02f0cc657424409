import type { DecisionCheck, DecisionCheckInput } from './types.js';

/** Prefix of an approver entry that names a candidate role instead of a user, e.g. `role:finance`. */
export const ROLE_CANDIDATE_PREFIX = 'role:';

/**
 * May `actor` record `outcome` on this task? Pure; meant for a Temporal Update validator. Checks, in order:
 * outcome is approve|reject (VALIDATION_FAILED); task completed/cancelled (TASK_ALREADY_DECIDED); actor is the
 * requester (SELF_APPROVAL); actor is not an approver (NOT_AN_APPROVER); actor already decided
 * (TASK_ALREADY_DECIDED). An approver entry `role:<name>` admits any actor whose `actorRoles` include `<name>`.
 */
export function checkDecision(input: DecisionCheckInput): DecisionCheck {
  const { actor, actorRoles = [], requester, task, outcome } = input;
  if (outcome !== 'approve' && outcome !== 'reject') {
    return { ok: false, code: 'VALIDATION_FAILED', message: `outcome must be "approve" or "reject", got ${JSON.stringify(outcome)}` };
  }
  if (task.status === 'completed' || task.status === 'cancelled') {
    return { ok: false, code: 'TASK_ALREADY_DECIDED', message: `the task is already ${task.status}` };
  }
  if (actor === requester) {
    return { ok: false, code: 'SELF_APPROVAL', message: `${actor} requested this approval and cannot decide it` };
  }
  const allowed = task.approvers.some(
    (a) => a === actor || (a.startsWith(ROLE_CANDIDATE_PREFIX) && actorRoles.includes(a.slice(ROLE_CANDIDATE_PREFIX.length))),
  );
  if (!allowed) {
    return { ok: false, code: 'NOT_AN_APPROVER', message: `${actor} is not an approver of this task` };
  }
  if (task.decidedBy.includes(actor)) {
    return { ok: false, code: 'TASK_ALREADY_DECIDED', message: `${actor} has already decided this task` };
  }
  return { ok: true };
}
