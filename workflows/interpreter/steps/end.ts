import type { EndStep } from '../../../engine/domain/config/process-types.js';
import type { StepExecutor } from '../executor.js';

/** Ends the whole process, with the step's outcome or else the last approval's. */
export const runEnd: StepExecutor<EndStep> = async (step, { run }) => {
  const outcome = step.outcome ?? run.lastOutcome ?? 'completed';
  run.log(step.id, 'end', { outcome });
  return { end: outcome };
};
