import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';
import type { ApprovalStep } from '../engine/domain/config/types.js';
import { timeoutSchedule } from '../engine/domain/approval/index.js';
import type { Calendar } from '../engine/domain/calendar/index.js';
import { activities, type ApprovalRun } from './approval-run.js';
import { nowIso, nowMs } from './clock.js';

export type TimeoutVerdict = 'approved' | 'rejected' | null;

async function sleepUntil(at: string): Promise<void> {
  const wait = Date.parse(at) - nowMs();
  if (wait > 0) await sleep(wait);
}

/** The due date of a step's tasks, or null when the step has no timeout. */
export function dueDateOf(step: ApprovalStep, calendars: Record<string, Calendar>): string | null {
  if (!step.timeout) return null;
  return timeoutSchedule(step.timeout, nowIso(), step.timeout.calendar ? calendars[step.timeout.calendar] : undefined).dueAt;
}

/**
 * Watches one step's deadline while it waits: reminders at each instant, then the timeout action once at the due
 * date. Returns the verdict an auto-approve / auto-reject imposes, or null. Cancelled when the step is decided.
 */
export function watchStep(run: ApprovalRun, step: ApprovalStep, calendars: Record<string, Calendar>): { done: Promise<TimeoutVerdict>; stop: () => void } {
  const scope = new CancellationScope();
  const timeout = step.timeout;
  if (!timeout) return { done: Promise.resolve(null), stop: () => undefined };
  const schedule = timeoutSchedule(timeout, nowIso(), timeout.calendar ? calendars[timeout.calendar] : undefined);
  const done = scope.run(async (): Promise<TimeoutVerdict> => {
    for (const [i, at] of schedule.reminders.entries()) {
      await sleepUntil(at);
      const open = run.stepTasks(step.id).filter((t) => t.status === 'open');
      if (!open.length) return null;
      run.log(step.id, 'reminded', { to: open.flatMap((t) => t.approvers) });
      for (const task of open) await run.announce(task, 'task.reminder', `Reminder: ${task.title}`, `Due ${schedule.dueAt}.`, `remind:${i}`);
    }
    await sleepUntil(schedule.dueAt);
    return fire(run, step, schedule.action);
  }).catch((error) => {
    if (isCancellation(error)) return null;
    throw error;
  });
  return { done, stop: () => scope.cancel() };
}

async function fire(run: ApprovalRun, step: ApprovalStep, action: string): Promise<TimeoutVerdict> {
  const open = run.stepTasks(step.id).filter((t) => t.status === 'open');
  if (!open.length) return null;
  if (action === 'approve' || action === 'reject') {
    run.log(step.id, `timeout:${action}`);
    return action === 'approve' ? 'approved' : 'rejected';
  }
  if (action === 'escalate') {
    const spec = step.timeout?.to ?? { managerOf: 'approver' as const };
    for (const task of open) {
      const current = task.approvers[0];
      const resolution = await activities.resolveApprovers({ spec, requester: run.input.requester, approver: current });
      const from = [...task.approvers];
      task.approvers = resolution.users;
      run.log(step.id, 'escalated', { task: task.id, from, to: resolution.users, rules: resolution.rules });
      await activities.reassignTask({
        taskId: task.id, approvers: resolution.users, from, actor: 'system', comment: 'escalated after timeout', at: nowIso(),
        entity: run.input.entity, recordId: run.input.recordId, processId: run.input.processId,
      });
      await run.announce(task, 'task.escalated', `Escalated: ${task.title}`, `Not decided by ${from.join(', ')} in time; it now waits for you.`, 'escalated');
    }
    return null;
  }
  run.log(step.id, 'timeout:remind');
  for (const task of open) await run.announce(task, 'task.overdue', `Overdue: ${task.title}`, 'The due date has passed.', 'overdue');
  return null;
}
