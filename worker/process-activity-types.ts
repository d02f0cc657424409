import type { AssignmentRule } from '../engine/domain/config/process-types.js';
import type { ProcessRunRequest, PreparedRun } from '../engine/db/process-runs.js';

export type { RunFinal as ProcessFinal } from '../engine/db/process-final.js';
import type { RunFinal as ProcessFinal } from '../engine/db/process-final.js';

/** Side effects of the process interpreter beyond the approval ones (FlowActivities). Each is idempotent. */
export interface ProcessActivities {
  /** Holders of a role / skill, best first: fewest open tasks (`leastLoad`) or fewest tasks of this step ever (`roundRobin`). */
  rankCandidates(input: { rule: AssignmentRule; process: string; stepId: string }): Promise<string[]>;
  claimTask(input: { taskId: string; assignee: string | null; candidates?: string[]; status: 'open' | 'claimed'; actor: string; at: string }): Promise<void>;
  createRecord(input: { entity: string; data: Record<string, unknown>; actor: string; idempotencyKey: string }): Promise<{ id: string }>;
  /** Writes the run's row and builds its input from the current configuration (for subprocess / startProcess). */
  prepareProcessRun(request: ProcessRunRequest): Promise<PreparedRun>;
  /** The run's row, tasks and record locks in their final state. */
  finalizeProcess(final: ProcessFinal): Promise<void>;
  /** The records a schedule firing starts the process on (at most 1,000), each with the user it runs for. */
  listTriggerTargets(input: { process: string; filter: string | null }): Promise<{ recordId: string; requester: string }[]>;
  /** Cancels the open tasks and releases the locks of one workflow (an approval child that was interrupted). */
  closeWorkflowTasks(input: { workflowId: string; at: string }): Promise<void>;
}
