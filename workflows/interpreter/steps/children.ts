import { ParentClosePolicy, startChild, executeChild } from '@temporalio/workflow';
import type { ProcessRun } from '../run.js';
import { activities, configFailure } from '../run.js';
import type { ProcessInput, ProcessResult } from '../types.js';

/** Starts another process run on a record (its own business key); null when one is already running there. */
export async function startRun(run: ProcessRun, process: string, recordId: string, wait: boolean): Promise<{ processId: string; result?: ProcessResult } | null> {
  const prepared = await activities.prepareProcessRun({ process, recordId, requester: run.input.requester, parentId: run.input.processId });
  if (prepared.status === 'running') return null;
  const { input, memo } = prepared;
  if (input.processId === run.input.processId) configFailure('PROCESS_CYCLE', `process ${process} cannot start itself on the same record`);
  const options = { workflowId: input.processId, args: [input] as [ProcessInput], memo, parentClosePolicy: wait ? ParentClosePolicy.TERMINATE : ParentClosePolicy.ABANDON };
  try {
    if (wait) return { processId: input.processId, result: await executeChild('processWorkflow', options) as ProcessResult };
    await startChild('processWorkflow', options);
    return { processId: input.processId };
  } catch (error) {
    if ((error as Error).name === 'WorkflowExecutionAlreadyStartedError') return null; // another trigger started it first
    throw error;
  }
}
