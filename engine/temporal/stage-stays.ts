import { WorkflowNotFoundError } from '@temporalio/client';
import { stageActivitySignal, stageStayEndSignal, type StageStayInput } from '../../workflows/messages.js';
import type { FlowClient } from './client.js';

/** One stale-deal clock per record: `stage-stay:<entity>:<recordId>` (workflows/stage-stay.ts). */
export function stageStayWorkflowId(entity: string, recordId: string): string {
  return `stage-stay:${entity}:${recordId}`;
}

/** Starts the clock of a new stay; a running clock of the previous stay closes its tasks and continues as this one. */
export async function startStageStay(flow: FlowClient, input: StageStayInput): Promise<void> {
  await flow.client.workflow.signalWithStart('stageStayWorkflow', {
    taskQueue: flow.taskQueue,
    workflowId: stageStayWorkflowId(input.entity, input.recordId),
    args: [input],
    signal: stageStayEndSignal,
    signalArgs: [{ reason: 'moved', next: input }],
  });
}

async function signalIfRunning(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}

/** The record entered a stage without a stale limit (or a closed one): the running clock ends. */
export async function endStageStay(flow: FlowClient, entity: string, recordId: string, reason: string): Promise<void> {
  await signalIfRunning(() => flow.client.workflow.getHandle(stageStayWorkflowId(entity, recordId)).signal(stageStayEndSignal, { reason }));
}

/** Activity on the record restarts the quiet period of its current stay. */
export async function signalStageActivity(flow: FlowClient, entity: string, recordId: string, kind: string): Promise<void> {
  await signalIfRunning(() => flow.client.workflow.getHandle(stageStayWorkflowId(entity, recordId)).signal(stageActivitySignal, { kind }));
}

/** What follows committed stage moves for the stale clocks: each move starts its stay's clock or ends the last one. */
export async function clockStageMoves(flow: FlowClient, moves: readonly { entity: string; recordId: string; clock?: StageStayInput }[]): Promise<void> {
  for (const move of moves) {
    if (move.clock) await startStageStay(flow, move.clock);
    else await endStageStay(flow, move.entity, move.recordId, 'moved');
  }
}
