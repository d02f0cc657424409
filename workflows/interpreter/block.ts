import type { ProcessStepV2 } from '../../engine/domain/config/process-types.js';
import { executors } from './registry.js';
import { withBoundaries } from './boundary.js';
import { configFailure, ContinueAsNewRequest, type ProcessRun } from './run.js';
import type { StepExecutor } from './executor.js';
import type { BlockResult } from './types.js';

/** Steps a block may run before it is taken for a loop that never waits (the publish checks refuse those). */
const MAX_STEPS_PER_BLOCK = 10_000;

export interface BlockOptions {
  topLevel?: boolean;
  /** Continue-as-new: start at this step without counting a new visit. */
  resumeAt?: string;
  resumePass?: number;
}

/**
 * Runs the steps of one block in list order, following `next` and the `goto` of the step results; ends at the end
 * of the list or at an `end` step (which ends the whole process). The interpreter loop: a new step type adds an
 * executor to the registry and nothing here.
 */
export async function runBlock(run: ProcessRun, steps: ProcessStepV2[], options: BlockOptions = {}): Promise<BlockResult> {
  const indexOf = (id: string): number => {
    const i = steps.findIndex((s) => s.id === id);
    if (i < 0) configFailure('UNKNOWN_STEP', `no step "${id}" in this block`);
    return i;
  };
  let position = options.resumeAt ? indexOf(options.resumeAt) : 0;
  let resuming = options.resumeAt !== undefined;
  for (let count = 0; position < steps.length; count++) {
    if (count >= MAX_STEPS_PER_BLOCK) configFailure('STEP_LIMIT', `more than ${MAX_STEPS_PER_BLOCK} steps ran without end`);
    const step = steps[position];
    if (options.topLevel && !resuming && count > 0 && run.shouldContinueAsNew()) throw new ContinueAsNewRequest(step.id);
    const visit = resuming ? (run.visits[step.id] ?? run.visit(step.id)) : run.visit(step.id);
    const resumePass = resuming ? options.resumePass : undefined;
    resuming = false;
    if (step.when && !run.holds(step.when, run.context(await run.record()), `step ${step.id}`)) {
      run.log(step.id, 'skipped', { when: step.when });
      position = step.next ? indexOf(step.next) : position + 1;
      continue;
    }
    run.enter(step.id);
    let result;
    try {
      const execute = executors[step.type] as StepExecutor<ProcessStepV2>;
      const ctx = { run, visit, topLevel: options.topLevel ?? false, resumePass, runBlock: (inner: ProcessStepV2[]) => runBlock(run, inner) };
      result = await withBoundaries(run, step, visit, () => execute(step, ctx));
    } finally {
      run.leave(step.id);
    }
    if (result.end !== undefined) return { end: result.end };
    const target = result.goto ?? step.next;
    position = target ? indexOf(target) : position + 1;
  }
  return {};
}
