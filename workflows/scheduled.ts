import { ParentClosePolicy, proxyLocalActivities, startChild } from '@temporalio/workflow';
import type { ProcessActivities } from '../worker/process-activity-types.js';
import type { ProcessInput } from './interpreter/types.js';

const activities = proxyLocalActivities<ProcessActivities>({
  startToCloseTimeout: '60 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

export interface ScheduledTrigger {
  process: string;
  /** CEL over `record`: which records of the process's entity get a run (default all). */
  filter: string | null;
}

/** One firing of a process's schedule: a run on every selected record that has none going (one per business key). */
export async function scheduledTriggerWorkflow(trigger: ScheduledTrigger): Promise<{ started: string[] }> {
  const targets = await activities.listTriggerTargets(trigger);
  const started: string[] = [];
  for (const target of targets) {
    const prepared = await activities.prepareProcessRun({ process: trigger.process, recordId: target.recordId, requester: target.requester });
    if (prepared.status === 'running') continue;
    try {
      await startChild('processWorkflow', {
        workflowId: prepared.input.processId, args: [prepared.input] as [ProcessInput], memo: prepared.memo, parentClosePolicy: ParentClosePolicy.ABANDON,
      });
      started.push(prepared.input.processId);
    } catch (error) {
      if ((error as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw error;
    }
  }
  return { started };
}
