import { allHandlersFinished, condition, workflowInfo } from '@temporalio/workflow';
import { planSteps, tally, type ApprovalMode, type ChainStep } from '../engine/domain/approval/index.js';
import type { ApprovalStep } from '../engine/domain/config/types.js';
import { activities, ApprovalRun, stepTitle, type ApprovalInput, type ApprovalResult, type LiveTask } from './approval-run.js';
import { installHandlers } from './approval-handlers.js';
import { publish } from './events.js';
import { dueDateOf, watchStep, type TimeoutVerdict } from './approval-timeouts.js';
import { nowIso } from './clock.js';

export type { ApprovalInput, ApprovalResult } from './approval-run.js';

/** Runs one approval chain: the steps whose condition holds, in order, each waiting for its approvers. */
export async function approvalWorkflow(input: ApprovalInput): Promise<ApprovalResult> {
  const run = new ApprovalRun(input);
  installHandlers(run);
  const { chain, entity, recordId, requester } = input;

  const record = await activities.loadRecord({ entity, recordId });
  const plan = planSteps(chain.steps.map(asChainStep), record, requester);
  for (const p of plan) run.log(p.stepId, p.applies ? 'applies' : 'skipped', { condition: p.condition ?? null, reason: p.reason });
  const applicable = chain.steps.filter((s) => plan.find((p) => p.stepId === s.id)?.applies);
  if (applicable.length) await run.setRecord(chain.onSubmit?.set, 'submit');

  let outcome: ApprovalResult['outcome'] = 'approved';
  for (const step of applicable) {
    const mode: ApprovalMode = step.mode ?? 'any';
    const resolution = await activities.resolveApprovers({ spec: step.approvers, requester, record });
    run.log(step.id, 'routed', { approvers: resolution.users, rules: resolution.rules });
    await openStepTasks(run, step, mode, resolution, dueDateOf(step, input.calendars ?? {}));
    const result = () => tally(mode, run.stepApprovers(step.id), run.stepDecisions(step.id));
    let timedOut: TimeoutVerdict = null;
    const watch = watchStep(run, step, input.calendars ?? {});
    void watch.done.then((verdict) => (timedOut = verdict));
    await condition(() => run.recalled || timedOut !== null || result() !== 'pending');
    watch.stop();
    await condition(allHandlersFinished); // the decision's projection is written before the next step opens
    await run.cancel(run.stepTasks(step.id));
    for (const d of run.stepDecisions(step.id)) {
      const task = run.tasks.get(d.taskId)!;
      await publish({ event: 'task.completed', payload: run.taskEvent(task, { outcome: d.outcome, decidedBy: d.actor }), idempotencyKey: `${task.id}:completed` });
    }
    if (run.recalled) {
      outcome = 'recalled';
      break;
    }
    if ((timedOut ?? result()) === 'rejected') {
      outcome = 'rejected';
      break;
    }
  }

  run.status = outcome;
  run.log('chain', outcome);
  const final = { approved: chain.onApproved, rejected: chain.onRejected, recalled: chain.onRecall }[outcome];
  await run.setRecord(final?.set, outcome);
  await condition(allHandlersFinished);
  return { outcome, decisions: run.decisions };
}

/** Registers each task in workflow state before its projection is written, so a decision can never arrive first. */
async function openStepTasks(run: ApprovalRun, step: ApprovalStep, mode: ApprovalMode, resolution: { users: string[]; rules: unknown[] }, dueAt: string | null): Promise<void> {
  const { input } = run;
  const base = `${workflowInfo().workflowId}:${step.id}:${run.runTag}`;
  const groups = mode === 'all' ? resolution.users.map((u) => ({ id: `${base}:${u}`, users: [u] })) : [{ id: base, users: resolution.users }];
  const createdAt = nowIso();
  for (const g of groups) {
    const task: LiveTask = { id: g.id, title: stepTitle(input.entity, step), stepId: step.id, approvers: g.users, status: 'open', decidedBy: [] };
    run.tasks.set(task.id, task);
    await activities.openTask({
      id: g.id, kind: 'approval', title: task.title,
      workflowId: workflowInfo().workflowId, processId: input.processId, process: input.process,
      entity: input.entity, recordId: input.recordId, stepId: step.id, requester: input.requester,
      assignee: g.users.length === 1 ? g.users[0] : null, candidates: g.users, routing: resolution.rules, dueAt, createdAt,
    });
    await run.announce(task, 'task.assigned', task.title, `${input.requester} asks for your approval${dueAt ? `, due ${dueAt}` : ''}.`, 'assigned');
    await publish({ event: 'task.created', payload: run.taskEvent(task), idempotencyKey: `${task.id}:created` });
  }
}

function asChainStep(step: ApprovalStep): ChainStep {
  return { id: step.id, when: step.when, approvers: step.approvers, mode: step.mode };
}
