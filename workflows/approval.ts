import { allHandlersFinished, condition } from '@temporalio/workflow';
import { planSteps, previousApplicableStep, type ChainStep, type StepPlan } from '../engine/domain/approval/index.js';
import type { ApprovalStep } from '../engine/domain/config/types.js';
import { activities, ApprovalRun, type ApprovalInput, type ApprovalResult } from './approval-run.js';
import { installHandlers } from './approval-handlers.js';
import { runStep, awaitRevision } from './approval-step.js';

export type { ApprovalInput, ApprovalResult } from './approval-run.js';

/** Runs one approval chain: the steps whose condition holds, in order, until approved, rejected or recalled. */
export async function approvalWorkflow(input: ApprovalInput): Promise<ApprovalResult> {
  const run = new ApprovalRun(input);
  installHandlers(run);
  const { chain } = input;
  let { record, plan, applicable } = await planChain(run);
  if (applicable.length) await run.setRecord(chain.onSubmit?.set, 'submit');

  let outcome: ApprovalResult['outcome'] = 'approved';
  const visits = new Map<string, number>();
  let round = 0;
  for (let i = 0; i < applicable.length; ) {
    const step = applicable[i];
    visits.set(step.id, (visits.get(step.id) ?? 0) + 1);
    const result = await runStep(run, step, record, visits.get(step.id)!);
    if (result === 'approved') {
      i++;
    } else if (result === 'rejected' && step.onReject === 'previous' && previousApplicableStep(plan, step.id)) {
      const back = previousApplicableStep(plan, step.id)!;
      run.log(step.id, 'returned', { to: back });
      i = applicable.findIndex((s) => s.id === back);
    } else if (result === 'changes_requested') {
      await run.setRecord(chain.onChangesRequested?.set, `changes:${++round}`);
      if ((await awaitRevision(run, round)) === 'withdraw') {
        outcome = 'recalled';
        break;
      }
      run.log('chain', 'resubmitted', { round });
      ({ record, plan, applicable } = await planChain(run));
      await run.setRecord(chain.onSubmit?.set, `submit:${round}`);
      i = 0;
    } else {
      outcome = result === 'recalled' ? 'recalled' : 'rejected';
      break;
    }
  }

  run.status = outcome;
  run.log('chain', outcome);
  const final = { approved: chain.onApproved, rejected: chain.onRejected, recalled: chain.onRecall }[outcome];
  await run.setRecord(final?.set, `${outcome}:${round}`);
  await condition(allHandlersFinished);
  return { outcome, decisions: run.decisions };
}

async function planChain(run: ApprovalRun): Promise<{ record: Record<string, unknown>; plan: StepPlan[]; applicable: ApprovalStep[] }> {
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
