import { DomainError } from '../errors.js';
import { delegationChain } from './delegation.js';
import type { DecisionCheck, DecisionCheckInput } from './types.js';

/** Prefix of an approver entry that names a candidate role instead of a user, e.g. `role:finance`. */
export const ROLE_CANDIDATE_PREFIX = 'role:';

export const DECISION_OUTCOMES = ['approve', 'reject', 'request_changes'] as const;

function refuse(code: Exclude<DecisionCheck, { ok: true }>['code'], message: string): DecisionCheck {
  return { ok: false, code, message };
}

/**
 * May `actor` record `outcome` on this task? Pure; meant for a Temporal Update validator. Checks, in order:
 * 1. outcome is approve | reject | request_changes, and request_changes only where the step allows it
 *    (VALIDATION_FAILED); `at` is given when there are delegations (VALIDATION_FAILED);
 * 2. the task is completed or cancelled (TASK_ALREADY_DECIDED);
 * 3. the actor is the requester, in any capacity (SELF_APPROVAL);
 * 4. the actor is an approver (a username, or `role:<name>` matched by `actorRoles`), else the delegate in force
 *    (directly or through a chain of delegations) of a username approver, who is then `onBehalfOf`; a delegate who
 *    would decide for the requester is refused (SELF_APPROVAL); anyone else is NOT_AN_APPROVER;
 * 5. with `distinctApprovers`, the actor (or the approver decided for) approved an earlier step (SEPARATION_OF_DUTIES);
 * 6. the actor, or the approver decided for, already decided (TASK_ALREADY_DECIDED).
 * A direct approver always decides for themselves, even when they are also someone's delegate.
 */
export function checkDecision(input: DecisionCheckInput): DecisionCheck {
  const { actor, actorRoles = [], requester, task, outcome, delegations = [], at } = input;
  if (!(DECISION_OUTCOMES as readonly string[]).includes(outcome)) {
    return refuse('VALIDATION_FAILED', `outcome must be "approve", "reject" or "request_changes", got ${JSON.stringify(outcome)}`);
  }
  if (outcome === 'request_changes' && input.allowRequestChanges === false) {
    return refuse('VALIDATION_FAILED', 'this step does not allow request_changes: approve or reject');
  }
  if (delegations.length > 0 && at === undefined) {
    return refuse('VALIDATION_FAILED', 'the decision time (at) is needed to tell which delegations are in force');
  }
  if (task.status === 'completed' || task.status === 'cancelled') {
    return refuse('TASK_ALREADY_DECIDED', `the task is already ${task.status}`);
  }
  if (actor === requester) return refuse('SELF_APPROVAL', `${actor} requested this approval and cannot decide it`);

  const direct = task.approvers.some(
    (a) => a === actor || (a.startsWith(ROLE_CANDIDATE_PREFIX) && actorRoles.includes(a.slice(ROLE_CANDIDATE_PREFIX.length))),
  );
  let onBehalfOf: string | undefined;
  if (!direct && at !== undefined) {
    try {
      onBehalfOf = task.approvers.find(
        (a) => !a.startsWith(ROLE_CANDIDATE_PREFIX) && delegationChain(a, delegations, at).slice(1).includes(actor),
      );
    } catch (error) {
      if (error instanceof DomainError) return refuse('VALIDATION_FAILED', error.message);
      throw error;
    }
  }
  if (!direct && onBehalfOf === undefined) {
    const original = task.originalApprovers?.filter((a) => !task.approvers.includes(a)) ?? [];
    const note = original.includes(actor) ? ` (the task was reassigned to ${task.approvers.join(', ')})` : '';
    return refuse('NOT_AN_APPROVER', `${actor} is not an approver of this task${note}`);
  }
  if (onBehalfOf === requester) {
    return refuse('SELF_APPROVAL', `${actor} would decide on behalf of the requester ${requester}`);
  }
  const principal = onBehalfOf ?? actor;
  if (input.distinctApprovers) {
    const earlier = input.earlierApprovers ?? [];
    const who = [actor, principal].find((name) => earlier.includes(name));
    if (who !== undefined) {
      return refuse('SEPARATION_OF_DUTIES', `${who} approved an earlier step of this chain and may not approve another`);
    }
  }
  if (task.decidedBy.includes(principal) || task.decidedBy.includes(actor)) {
    const whom = onBehalfOf ? `${onBehalfOf} (delegated to ${actor})` : actor;
    return refuse('TASK_ALREADY_DECIDED', `${whom} has already decided this task`);
  }
  return onBehalfOf ? { ok: true, onBehalfOf } : { ok: true };
}
