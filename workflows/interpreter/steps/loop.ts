import type { LoopStep } from '../../../engine/domain/config/process-types.js';
import type { StepExecutor } from '../executor.js';
import { ContinueAsNewRequest } from '../run.js';

const DEFAULT_MAX_PASSES = 100;

/**
 * Repeats its steps until `until` holds after a pass, at most `max` passes; `vars.<step>.pass` counts them. A
 * top-level loop is where a long run continues as new, between two passes, with its variables and counters.
 */
export const runLoop: StepExecutor<LoopStep> = async (step, ctx) => {
  const { run } = ctx;
  const max = step.max ?? DEFAULT_MAX_PASSES;
  for (let pass = ctx.resumePass ?? 1; pass <= max; pass++) {
    run.vars[step.id] = { pass };
    const result = await ctx.runBlock(step.steps);
    if (result.end !== undefined) return { end: result.end };
    if (step.until && run.holds(step.until, run.context(await run.record()), `step ${step.id}`)) {
      run.log(step.id, 'loop-done', { passes: pass });
      return {};
    }
    if (ctx.topLevel && pass < max && run.shouldContinueAsNew()) throw new ContinueAsNewRequest(step.id, pass + 1);
  }
  run.log(step.id, 'loop-max', { passes: max });
  return {};
};
