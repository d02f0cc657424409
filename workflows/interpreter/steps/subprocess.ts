import type { SubprocessStep } from '../../../engine/domain/config/process-types.js';
import type { StepExecutor } from '../executor.js';
import { startRun } from './children.js';

/** Another process as a child run; with `wait` (the default) its outcome lands in `vars.<step>.outcome`. */
export const runSubprocess: StepExecutor<SubprocessStep> = async (step, { run }) => {
  const recordId = step.record ? String(run.evaluate(step.record, run.context(await run.record()), `step ${step.id}`)) : run.input.recordId;
  const wait = step.wait ?? true;
  const started = await startRun(run, step.process, recordId, wait);
  run.vars[step.id] = { processId: started?.processId ?? null, outcome: started?.result?.outcome ?? null };
  run.log(step.id, started ? (wait ? 'child-ended' : 'child-started') : 'child-already-running', { process: step.process, recordId, outcome: started?.result?.outcome ?? null });
  return {};
};
