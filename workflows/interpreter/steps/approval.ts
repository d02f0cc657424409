import { CancellationScope, executeChild, isCancellation } from '@temporalio/workflow';
import type { ApprovalStepRef } from '../../../engine/domain/config/process-types.js';
import type { ApprovalResult } from '../../approval.js';
import { nowIso } from '../../clock.js';
import type { StepExecutor } from '../executor.js';
import { activities, configFailure } from '../run.js';

/** An approval chain as a child workflow; its outcome lands in `vars.<step>` and in `vars.outcome`. */
export const runApproval: StepExecutor<ApprovalStepRef> = async (step, { run, visit }) => {
  const chain = run.input.chains[step.chain];
  if (!chain) configFailure('UNKNOWN_CHAIN', `step ${step.id}: approval chain "${step.chain}" is not part of this run`);
  const base = `${run.input.processId}:${step.id}`;
  const workflowId = visit > 1 || run.generation > 0 ? `${base}:${run.runTag}:${visit}` : base;
  run.approvals[step.id] = workflowId;
  const { processId, process, entity, recordId, requester, calendars } = run.input;
  let result: ApprovalResult;
  try {
    result = await executeChild('approvalWorkflow', {
      workflowId,
      args: [{ processId, process, chainId: step.chain, chain, calendars, entity, recordId, requester }],
    }) as ApprovalResult;
  } catch (error) {
    if (isCancellation(error)) await CancellationScope.nonCancellable(() => activities.closeWorkflowTasks({ workflowId, at: nowIso() }));
    throw error;
  }
  run.lastOutcome = result.outcome;
  run.vars.outcome = result.outcome;
  run.vars[step.id] = { outcome: result.outcome };
  run.timeline.push(...(result.timeline ?? []));
  run.log(step.id, result.outcome, { decisions: result.decisions as never });
  return result.outcome === 'recalled' ? { end: 'recalled' } : {};
};
