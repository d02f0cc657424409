import { allHandlersFinished, CancellationScope, condition, isCancellation, uuid4 } from '@temporalio/workflow';
import type { TaskStep } from '../../../engine/domain/config/process-types.js';
import { exactMillis, parseIsoDuration } from '../../../engine/domain/calendar/index.js';
import { nowIso, nowMs } from '../../clock.js';
import { notify, openAnnounced, opensTaskInOneActivity } from '../../events.js';
import type { TaskProjection } from '../../../worker/activity-types.js';
import type { NotifyUsersInput } from '../../../worker/notification-types.js';
import type { StepExecutor } from '../executor.js';
import { activities, configFailure, type ProcessRun, type UserTask } from '../run.js';
import { deadlineAfter } from '../timers.js';
import { activitiesFinishBeforeCancel } from '../../shielded-activities.js';

const DEFAULT_OUTCOMES = ['complete'];

/**
 * A user task in the inbox: assigned by an approver spec or ranked by a rule, with a form, a due date and an
 * acceptance window; the answer (outcome, form data, actor) lands in `vars.<step>`, and `outputs` write record fields.
 */
export const runTask: StepExecutor<TaskStep> = async (step, { run, visit }) => {
  const where = `step ${step.id}`;
  const ranking = await rank(run, step);
  if (!ranking.length) configFailure('NO_ASSIGNEE', `${where}: nobody can take this task`);
  const personal = step.assignee !== undefined || step.rule !== undefined;
  const task: UserTask = {
    id: uuid4(), stepId: step.id, title: step.title.en, candidates: personal ? [ranking[0]] : ranking,
    assignee: personal || ranking.length === 1 ? ranking[0] : null, status: 'open', outcomes: step.outcomes ?? DEFAULT_OUTCOMES,
  };
  run.tasks.set(task.id, task);
  const dueAt = step.due ? deadlineAfter(run, step.due, step.calendar, where) : null;
  const { processId, process, entity, recordId, requester } = run.input;
  const projection: TaskProjection = {
    id: task.id, kind: 'task', title: task.title, workflowId: workflowIdOf(run), processId, process, entity, recordId, stepId: step.id,
    requester, assignee: task.assignee, candidates: task.candidates, routing: [{ step: step.id, visit, ranking }], dueAt, createdAt: nowIso(),
    form: step.form ?? null, outcomes: task.outcomes,
  };
  // one local activity writes the row and its notice together; a cancellation meanwhile takes effect in the try below
  const together = opensTaskInOneActivity();
  if (together) await openAnnounced({ task: projection, notify: announcement(run, task, visit) });
  else await activities.openTask(projection);
  run.log(step.id, 'task-opened', { task: task.id, assignee: task.assignee, candidates: task.candidates, dueAt });
  // the task is open from here: a cancellation while it is announced closes it too (behind the patch)
  const announcedInside = !together && activitiesFinishBeforeCancel();
  if (!together && !announcedInside) await announce(run, task, visit);
  try {
    if (announcedInside) await announce(run, task, visit);
    await awaitAnswer(run, step, task, ranking, visit);
  } catch (error) {
    if (isCancellation(error) && task.status !== 'completed') {
      task.status = 'cancelled';
      await CancellationScope.nonCancellable(() => activities.closeTask({ taskId: task.id, status: 'cancelled', at: nowIso(), entity, recordId, processId, stepId: step.id }));
      run.log(step.id, 'task-cancelled', { task: task.id });
    }
    throw error;
  } finally {
    run.tasks.delete(task.id);
  }
  // the answer's projection is written before anything else happens: the same order on every replay
  await condition(allHandlersFinished);
  const answer = task.answer!;
  run.vars[step.id] = { outcome: answer.outcome, data: answer.data, actor: answer.actor, comment: answer.comment ?? null };
  run.log(step.id, 'task-completed', { task: task.id, outcome: answer.outcome, actor: answer.actor });
  if (step.outputs && Object.keys(step.outputs).length) {
    const context = run.context(await run.record(), { form: answer.data });
    const set = Object.fromEntries(Object.entries(step.outputs).map(([field, expr]) => [field, run.evaluate(expr, context, `${where} output ${field}`)]));
    await activities.updateRecord({ entity, recordId, set, actor: answer.actor, idempotencyKey: run.key(step.id, visit, 'outputs'), context: { processId, step: step.id } });
    run.recordChanged();
  }
  return {};
};

export function workflowIdOf(run: ProcessRun): string {
  return run.input.processId;
}

async function rank(run: ProcessRun, step: TaskStep): Promise<string[]> {
  const { requester, process } = run.input;
  if (step.rule) return activities.rankCandidates({ rule: step.rule, process, stepId: step.id });
  if (step.assignee === 'requester') return [requester];
  const spec = step.assignee ?? step.candidates;
  if (!spec) return [requester];
  const record = readsRecord(spec) ? await run.record() : undefined;
  return (await activities.resolveApprovers({ spec, requester, record })).users;
}

/** Specs that name a field or an expression need the record; the others resolve from the directory alone. */
function readsRecord(spec: NonNullable<TaskStep['candidates']>): boolean {
  return (Array.isArray(spec) ? spec : [spec]).some((s) => 'field' in s || 'expression' in s || ('managerOf' in s && s.managerOf !== 'requester'));
}

async function announce(run: ProcessRun, task: UserTask, visit: number): Promise<void> {
  await notify(announcement(run, task, visit));
}

function announcement(run: ProcessRun, task: UserTask, visit: number): NotifyUsersInput {
  const { entity, recordId, processId } = run.input;
  return {
    to: task.candidates, kind: 'task.assigned', title: task.title, body: `A task waits for you: ${task.title}`,
    link: { entity, recordId, processId, taskId: task.id }, idempotencyKey: `${task.id}:assigned:${visit}:${task.candidates.join(',')}`,
  };
}

/** Waits for the answer; an assignee who does not accept (claim) in time hands the task to the next in the ranking. */
async function awaitAnswer(run: ProcessRun, step: TaskStep, task: UserTask, ranking: string[], visit: number): Promise<void> {
  const answered = () => task.status === 'completed';
  if (!step.accept) {
    await condition(answered);
    return;
  }
  const accepted = () => answered() || task.status === 'claimed';
  for (let next = 1; ; next++) {
    const within = step.accept.calendar
      ? Date.parse(deadlineAfter(run, step.accept.within, step.accept.calendar, `step ${step.id}`)) - nowMs()
      : exactMillis(parseIsoDuration(step.accept.within));
    if (await condition(accepted, within)) break;
    if (next >= ranking.length) {
      run.log(step.id, 'accept-expired', { task: task.id, assignee: task.assignee });
      break;
    }
    const from = task.candidates;
    task.candidates = [ranking[next]];
    task.assignee = ranking[next];
    run.log(step.id, 'reassigned', { task: task.id, from, to: task.assignee, reason: 'not accepted in time' });
    const { entity, recordId, processId } = run.input;
    await activities.reassignTask({ taskId: task.id, approvers: task.candidates, from, actor: 'system', comment: `not accepted within ${step.accept.within}`, at: nowIso(), entity, recordId, processId });
    await announce(run, task, visit);
  }
  await condition(answered);
}
