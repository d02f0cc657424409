import { allHandlersFinished, condition, workflowInfo } from '@temporalio/workflow';
import { tally, type ApprovalMode } from '../engine/domain/approval/index.js';
import type { ApprovalStep } from '../engine/domain/config/types.js';
import { activities, stepTitle, type ApprovalRun, type LiveTask } from './approval-run.js';
import { dueDateOf, watchStep, type TimeoutVerdict } from './approval-timeouts.js';
import { notify, openAnnounced, opensTaskInOneActivity, publish } from './events.js';
import type { TaskProjection } from '../worker/activity-types.js';
import { nowIso } from './clock.js';

export type StepOutcome = 'approved' | 'rejected' | 'changes_requested' | 'recalled' | 'skipped' | 'restart';

/** What an edit of the record means for the step waiting now: keep waiting, drop the step, or start over. */
export type RecordChangeHandler = (step: ApprovalStep) => Promise<'continue' | 'skip' | 'restart'>;

/** Asks one step's approvers and waits until their answers, a timeout action or a recall settle it. */
export async function runStep(run: ApprovalRun, step: ApprovalStep, record: Record<string, unknown>, visit: number, onRecordChange: RecordChangeHandler): Promise<StepOutcome> {
  const mode: ApprovalMode = step.mode ?? 'any';
  const exclude = run.input.chain.distinctApprovers ? run.earlierApprovers() : [];
  const resolution = await activities.resolveApprovers({ spec: step.approvers, requester: run.input.requester, record, exclude });
  run.log(step.id, 'routed', { approvers: resolution.users, rules: resolution.rules, visit });
  const calendars = run.input.calendars ?? {};
  const tasks = await openTasks(run, step, mode, resolution, dueDateOf(step, calendars), visit);
  const result = () => tally(mode, approversOf(tasks), run.decisionsOn(tasks));
  let timedOut: TimeoutVerdict = null;
  const watch = watchStep(run, step, calendars);
  void watch.done.then((verdict) => (timedOut = verdict));
  const settled = () => run.recalled || timedOut !== null || result() !== 'pending';
  let change: 'continue' | 'skip' | 'restart' = 'continue';
  while (change === 'continue') {
    const seen = run.recordChanges;
    await condition(() => settled() || run.recordChanges !== seen);
    if (settled()) break;
    change = await onRecordChange(step);
  }
  watch.stop();
  await condition(allHandlersFinished); // the decision's projection is written before anything else opens
  await run.cancel(tasks);
  for (const d of run.decisionsOn(tasks)) {
    const task = run.tasks.get(d.taskId)!;
    await publish({ event: 'task.completed', payload: run.taskEvent(task, { outcome: d.outcome, decidedBy: d.actor }), idempotencyKey: `${task.id}:completed` });
  }
  if (run.recalled) return 'recalled';
  if (change !== 'continue') return change === 'skip' ? 'skipped' : 'restart';
  const verdict = timedOut ?? result();
  return verdict === 'pending' ? 'rejected' : verdict;
}

function approversOf(tasks: LiveTask[]): string[] {
  return [...new Set(tasks.flatMap((t) => t.approvers))];
}

/**
 * `any` shares one task among the approvers; the other modes give each approver a task of their own. Each task is
 * registered in workflow state before its projection is written, so a decision can never arrive first.
 */
async function openTasks(run: ApprovalRun, step: ApprovalStep, mode: ApprovalMode, resolution: { users: string[]; rules: unknown[] }, dueAt: string | null, visit: number): Promise<LiveTask[]> {
  const { input } = run;
  const base = `${workflowInfo().workflowId}:${step.id}:${run.runTag}${visit > 1 ? `.${visit}` : ''}`;
  const groups = mode === 'any' ? [{ id: base, users: resolution.users }] : resolution.users.map((u) => ({ id: `${base}:${u}`, users: [u] }));
  const createdAt = nowIso();
  const tasks: LiveTask[] = [];
  for (const g of groups) {
    const task: LiveTask = { id: g.id, kind: 'approval', title: stepTitle(input.entity, step), stepId: step.id, approvers: g.users, status: 'open', decidedBy: [] };
    run.tasks.set(task.id, task);
    tasks.push(task);
    const projection: TaskProjection = {
      id: g.id, kind: 'approval', title: task.title,
      workflowId: workflowInfo().workflowId, processId: input.processId, process: input.process,
      entity: input.entity, recordId: input.recordId, stepId: step.id, requester: input.requester,
      assignee: g.users.length === 1 ? g.users[0] : null, candidates: g.users, routing: resolution.rules, dueAt, createdAt,
    };
    const notice = run.announcement(task, 'task.assigned', task.title, `${input.requester} asks for your approval${dueAt ? `, due ${dueAt}` : ''}.`, 'assigned');
    if (opensTaskInOneActivity()) {
      await openAnnounced({ task: projection, notify: notice, publish: { event: 'task.created', payload: run.taskEvent(task), idempotencyKey: `${task.id}:created` } });
      continue;
    }
    await activities.openTask(projection);
    await notify(notice);
    await publish({ event: 'task.created', payload: run.taskEvent(task), idempotencyKey: `${task.id}:created` });
  }
  return tasks;
}

/** After `request_changes`: the requester gets a task to revise the record and resubmit, or to withdraw. */
export async function awaitRevision(run: ApprovalRun, round: number): Promise<'resubmit' | 'withdraw'> {
  const { input } = run;
  const task: LiveTask = {
    id: `${workflowInfo().workflowId}:revise:${run.runTag}.${round}`, kind: 'revise', title: `Revise ${input.entity} and resubmit`,
    stepId: 'revise', approvers: [input.requester], status: 'open', decidedBy: [],
  };
  run.tasks.set(task.id, task);
  await activities.openTask({
    id: task.id, kind: 'task', title: task.title, workflowId: workflowInfo().workflowId, processId: input.processId, process: input.process,
    entity: input.entity, recordId: input.recordId, stepId: 'revise', requester: input.requester,
    assignee: input.requester, candidates: [input.requester], routing: [], dueAt: null, createdAt: nowIso(),
  });
  await run.announce(task, 'task.changes_requested', task.title, 'An approver asked for changes.', 'revise');
  await condition(() => run.recalled || task.status !== 'open');
  await condition(allHandlersFinished);
  if (run.recalled) {
    await run.cancel([task]);
    return 'withdraw';
  }
  const answer: string | undefined = run.decisionsOn([task])[0]?.outcome;
  return answer === 'resubmit' ? 'resubmit' : 'withdraw';
}
