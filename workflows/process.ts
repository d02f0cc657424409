import { patched } from '@temporalio/workflow';
import { legacyProcessWorkflow } from './process-legacy.js';
import { interpretProcess } from './interpreter/interpret.js';
import type { ProcessInput, ProcessResult } from './interpreter/types.js';

export type { ProcessInput, ProcessResult } from './interpreter/types.js';

/**
 * Runs a process definition. Runs started before the step-type interpreter replay on the code they started with;
 * every new run (and every continued one) is interpreted by `interpretProcess`.
 */
export async function processWorkflow(input: ProcessInput): Promise<ProcessResult> {
  if (input.carried || patched('interpreter-v2')) return interpretProcess(input);
  return legacyProcessWorkflow(input);
}
