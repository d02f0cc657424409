export type * from './types.js';
export { resolveApprovers, type RoutingContext } from './routing.js';
export { checkSpec, ruleName, APPROVER_KINDS, MAX_MANAGER_LEVELS } from './approver-spec.js';
export { planSteps } from './plan.js';
export { replanSteps, recordChangeAction, restartRequired, changedFields, previousApplicableStep } from './replan.js';
export { tally, requiredApprovals, checkMode } from './tally.js';
export { checkDecision, ROLE_CANDIDATE_PREFIX, DECISION_OUTCOMES } from './decision.js';
export { activeDelegation, delegationChain, effectiveAssignee } from './delegation.js';
export { timeoutSchedule, MAX_REMINDERS, DEFAULT_ESCALATION, type TimeoutSchedule } from './timeout.js';
