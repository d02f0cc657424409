import { evaluateCondition } from '../cel.js';
import { DomainError, ErrorCode, joinPointer } from '../errors.js';
import type { ChainStep, StepPlan } from './types.js';

/**
 * Decides which steps of a chain apply to a record, in chain order. A step without `when` always applies; a
 * condition that evaluates to false skips the step. A condition that cannot be evaluated (syntax error, missing
 * field, non-boolean result) throws VALIDATION_FAILED pointing at `/steps/<i>/when`.
 */
export function planSteps(steps: ChainStep[], record: Record<string, unknown>, requester?: unknown): StepPlan[] {
  const seen = new Set<string>();
  return steps.map((step, i) => {
    if (seen.has(step.id)) {
      const path = joinPointer('/steps', i, 'id');
      const message = `duplicate step id "${step.id}"`;
      throw new DomainError(ErrorCode.VALIDATION_FAILED, message, [{ path, message }]);
    }
    seen.add(step.id);
    if (step.when === undefined) {
      return { stepId: step.id, applies: true, reason: 'no condition: the step always applies' };
    }
    let applies: boolean;
    try {
      applies = evaluateCondition(step.when, { record, requester });
    } catch (error) {
      const path = joinPointer('/steps', i, 'when');
      const cause = String((error as Error).message ?? error).split('\n')[0];
      const message = `step "${step.id}": condition "${step.when}" cannot be evaluated: ${cause}`;
      throw new DomainError(ErrorCode.VALIDATION_FAILED, message, [{ path, message }]);
    }
    return {
      stepId: step.id,
      applies,
      condition: step.when,
      reason: applies ? `condition "${step.when}" is true` : `condition "${step.when}" is false: step skipped`,
    };
  });
}
