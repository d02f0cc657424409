import type { ProcessStepV2, StepType } from '../../engine/domain/config/process-types.js';
import type { ProcessRun } from './run.js';
import type { BlockResult, StepResult } from './types.js';

export interface StepContext {
  run: ProcessRun;
  /** How often this step has started in this run (1 on the first pass): part of every idempotency key. */
  visit: number;
  /** Runs a nested block (loop body, parallel branch) with the same interpreter. */
  runBlock(steps: ProcessStepV2[]): Promise<BlockResult>;
  /** Only for the steps of the top-level block: a pass of a loop may continue as new after it. */
  topLevel: boolean;
  /** Continue-as-new resumes a loop at this pass. */
  resumePass?: number;
}

export type StepExecutor<S extends ProcessStepV2> = (step: S, ctx: StepContext) => Promise<StepResult>;

export type ExecutorRegistry = { [K in StepType]: StepExecutor<Extract<ProcessStepV2, { type: K }>> };
