export type * from './types.js';
export { resolveApprovers, type RoutingContext } from './routing.js';
export { planSteps } from './plan.js';
export { tally } from './tally.js';
export { checkDecision, ROLE_CANDIDATE_PREFIX } from './decision.js';
