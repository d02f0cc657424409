import { allHandlersFinished, condition, workflowInfo } from '@temporalio/workflow';
import { planSteps, previousApplicableStep, type ChainStep, type StepPlan } from '../engine/domain/approval/index.js';
import type { ApprovalStep } from '../engine/domain/config/types.js';
import { activities, ApprovalRun, type ApprovalInput, type ApprovalResult } from './approval-run.js';
import { installHandlers } from './approval-handlers.js';
import { runStep, awaitRevision, type RecordChangeHandler } from './approval-step.js';

export type { ApprovalInput, ApprovalResult } from './approval-run.js';

interface Plan {
  record: Record<string, unknown>;
  plan: StepPlan[];
  applicable: ApprovalStep[];
}

/** Runs one approval chain: the steps whose condition holds, in order, until approved, rejected or recalled. */
export async function approvalWorkflow(input: ApprovalInput): Promise<ApprovalResult> {
  const run = new ApprovalRun(input);
  installHandlers(run);
  const { chain } = input;
  const policy = chain.onRecordChange ?? 'continue';
  const order = chain.steps.map((s) => s.id);
  let current: Plan = await planChain(run);
  const firstAfter = (stepId: string | null) =>
    current.applicable.find((s) => stepId === null || order.indexOf(s.id) > order.indexOf(stepId));
  const onRecordChange: RecordChangeHandler = async (step) => {
    if (policy === 'restart') return 'restart';
    if (policy === 'continue') return 'continue';
    current = await planChain(run);
    return current.applicable.some((s) => s.id === step.id) ? 'continue' : 'skip';
  };

  const pending = { recordId: input.recordId, workflowId: workflowInfo().workflowId };
  if (current.applicable.length) {
    await activities.openPendingApproval({ ...pending, lockedFields: chain.lock ?? [], onRecordChange: policy });
    await run.setRecord(chain.onSubmit?.set, 'submit');
  }

  let outcome: ApprovalResult['outcome'] = 'approved';
  const visits = new Map<string, number>();
  let round = 0;
  let restarts = 0;
  for (let step = firstAfter(null); step; ) {
    visits.set(step.id, (visits.get(step.id) ?? 0) + 1);
    const result = await runStep(run, step, current.record, visits.get(step.id)!, onRecordChange);
    if (result === 'approved' || result === 'skipped') {
      step = firstAfter(step.id);
    } else if (result === 'rejected' && step.onReject === 'previous' && previousApplicableStep(current.plan, step.id)) {
      const back = previousApplicableStep(current.plan, step.id)!;
      run.log(step.id, 'returned', { to: back });
      step = current.applicable.find((s) => s.id === back);
    } else if (result === 'restart') {
      run.log('chain', 'restarted', { after: 'record change', restart: ++restarts });
      current = await planChain(run);
      step = firstAfter(null);
    } else if (result === 'changes_requested') {
      await run.setRecord(chain.onChangesRequested?.set, `changes:${++round}`);
      await activities.closePendingApproval(pending); // the requester edits freely while revising
      if ((await awaitRevision(run, round)) === 'withdraw') {
        outcome = 'recalled';
        break;
      }
      run.log('chain', 'resubmitted', { round });
      await activities.openPendingApproval({ ...pending, lockedFields: chain.lock ?? [], onRecordChange: policy });
      current = await planChain(run);
      await run.setRecord(chain.onSubmit?.set, `submit:${round}`);
      step = firstAfter(null);
    } else {
      outcome = result === 'recalled' ? 'recalled' : 'rejected';
      break;
    }
  }

  run.status = outcome;
  run.log('chain', outcome);
  await activities.closePendingApproval(pending);
  const final = { approved: chain.onApproved, rejected: chain.onRejected, recalled: chain.onRecall }[outcome];
  await run.setRecord(final?.set, `${outcome}:${round}`);
  await condition(allHandlersFinished);
  return { outcome, decisions: run.decisions, timeline: run.timeline };
}

async function planChain(run: ApprovalRun): Promise<Plan> {
  const { chain, entity, recordId, requester } = run.input;
  const record = await activities.loadRecord({ entity, recordId });
  const plan = planSteps(chain.steps.map(asChainStep), record, requester);
  for (const p of plan) run.log(p.stepId, p.applies ? 'applies' : 'skipped', { condition: p.condition ?? null, reason: p.reason });
  const applicable = chain.steps.filter((s) => plan.find((p) => p.stepId === s.id)?.applies);
  return { record, plan, applicable };
}

function asChainStep(step: ApprovalStep): ChainStep {
  return { id: step.id, when: step.when, approvers: step.approvers, mode: step.mode };
}
