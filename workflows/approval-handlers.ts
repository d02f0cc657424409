import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { checkDecision, type Decision } from '../engine/domain/approval/index.js';
import { approvalStateQuery, decideUpdate, reassignUpdate, recallUpdate, recordChangedSignal, type DecisionInput, type ReassignInput } from './messages.js';
import { activities, type ApprovalRun, type LiveTask } from './approval-run.js';
import { nowIso } from './clock.js';

function refuse(type: string, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

/**
 * Projections are written by local activities, whose results reach history only when the workflow task completes:
 * after a worker crash the inbox can show a task the replayed run has not re-registered yet. An update naming an
 * unknown task therefore waits (bounded) for it instead of failing; the full check runs once it is known.
 */
async function whenKnown(run: ApprovalRun, taskId: string): Promise<void> {
  if (run.tasks.has(taskId)) return; // the usual case: no timer, no extra history
  if (!(await condition(() => run.tasks.has(taskId), '1 minute'))) refuse('NOT_FOUND', `task ${taskId} is not part of this approval`);
}

function openTask(run: ApprovalRun, taskId: string): LiveTask {
  const task = run.tasks.get(taskId);
  if (!task) refuse('NOT_FOUND', `task ${taskId} is not part of this approval`);
  return task;
}

/** Who decides and for whom: an approver, or the current delegate of one; separation of duties always holds. */
function vetDecision(run: ApprovalRun, update: DecisionInput): { task: LiveTask; onBehalfOf?: string } {
  const task = openTask(run, update.taskId);
  if (task.kind === 'revise') return { task: vetRevision(run, task, update) };
  const step = run.input.chain.steps.find((s) => s.id === task.stepId);
  const verdict = checkDecision({
    actor: update.actor,
    requester: run.input.requester,
    outcome: update.outcome,
    task: { status: task.status, approvers: task.approvers, decidedBy: task.decidedBy },
    delegations: update.delegations ?? [],
    at: nowIso(),
    earlierApprovers: run.earlierApprovers(),
    distinctApprovers: run.input.chain.distinctApprovers,
    allowRequestChanges: step?.allowRequestChanges,
  });
  if (!verdict.ok) refuse(verdict.code, verdict.message);
  return { task, onBehalfOf: verdict.onBehalfOf };
}

/** The requester's own task after `request_changes`: only they answer it, with resubmit or withdraw. */
function vetRevision(run: ApprovalRun, task: LiveTask, update: DecisionInput): LiveTask {
  if (task.status !== 'open') refuse('TASK_ALREADY_DECIDED', `task ${task.id} is ${task.status}`);
  if (update.actor !== run.input.requester) refuse('FORBIDDEN', 'only the requester revises and resubmits');
  if (update.outcome !== 'resubmit' && update.outcome !== 'withdraw') refuse('VALIDATION_FAILED', 'answer resubmit or withdraw');
  return task;
}

function vetReassign(run: ApprovalRun, update: ReassignInput): LiveTask {
  const task = openTask(run, update.taskId);
  if (task.status !== 'open') refuse('TASK_ALREADY_DECIDED', `task ${task.id} is ${task.status}`);
  if (!update.actorIsAdmin && !task.approvers.includes(update.actor)) refuse('FORBIDDEN', 'only an approver of the task or an admin can reassign it');
  if (update.to === run.input.requester) refuse('SELF_APPROVAL', 'a request cannot be assigned to its requester');
  if (task.approvers.includes(update.to)) refuse('CONFLICT', `${update.to} is already an approver of this task`);
  return task;
}

export function installHandlers(run: ApprovalRun): void {
  const { entity, recordId, processId } = run.input;

  setHandler(approvalStateQuery, () => ({
    status: run.status,
    openTasks: run.openTasks().map((t) => ({ id: t.id, stepId: t.stepId, approvers: t.approvers, status: t.status })),
    timeline: run.timeline,
  }));

  setHandler(decideUpdate, async (update) => {
    await whenKnown(run, update.taskId);
    const { task, onBehalfOf } = vetDecision(run, update); // again, synchronously: another decision may have been accepted since validation
    const decision = { actor: update.actor, outcome: update.outcome as Decision['outcome'], comment: update.comment, at: nowIso(), stepId: task.stepId, taskId: task.id, onBehalfOf };
    task.decidedBy.push(onBehalfOf ?? update.actor);
    task.status = 'completed';
    run.decisions.push(decision);
    run.log(task.stepId, update.outcome, { actor: update.actor, onBehalfOf: onBehalfOf ?? null, task: task.id, comment: update.comment ?? null });
    await activities.closeTask({
      taskId: task.id, status: 'completed', outcome: update.outcome, actor: update.actor, onBehalfOf, comment: update.comment,
      at: decision.at, entity, recordId, processId, stepId: task.stepId,
    });
    return { taskId: task.id, status: 'completed', outcome: update.outcome };
  }, { validator: (update) => void (run.tasks.has(update.taskId) && vetDecision(run, update)) });

  setHandler(reassignUpdate, async (update) => {
    await whenKnown(run, update.taskId);
    const task = vetReassign(run, update);
    const from = update.actorIsAdmin && !task.approvers.includes(update.actor) ? [...task.approvers] : [update.actor];
    task.approvers = [...task.approvers.filter((a) => !from.includes(a)), update.to];
    run.log(task.stepId, 'reassigned', { actor: update.actor, from, to: update.to, task: task.id });
    await activities.reassignTask({ taskId: task.id, approvers: task.approvers, from, actor: update.actor, comment: update.comment, at: nowIso(), entity, recordId, processId });
    return { taskId: task.id, approvers: task.approvers };
  }, { validator: (update) => void (run.tasks.has(update.taskId) && vetReassign(run, update)) });

  setHandler(recordChangedSignal, ({ version }) => {
    run.recordChanges++;
    run.log('chain', 'record-changed', { version });
  });

  const vetRecall = (actor: string) => {
    if (actor !== run.input.requester) refuse('FORBIDDEN', 'only the requester can recall a request');
    if (run.status !== 'running' || run.recalled) refuse('CONFLICT', 'the request is no longer pending');
  };
  setHandler(recallUpdate, async (update) => {
    vetRecall(update.actor);
    run.recalled = true;
    run.log('chain', 'recalled', { actor: update.actor, comment: update.comment ?? null });
    return { status: 'recalled' };
  }, { validator: (update) => vetRecall(update.actor) });
}
