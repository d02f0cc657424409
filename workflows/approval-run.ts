import { patched, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { FlowActivities } from '../worker/activity-types.js';
import type { ApprovalChain, ApprovalStep } from '../engine/domain/config/types.js';
import type { Decision } from '../engine/domain/approval/index.js';
import type { Calendar } from '../engine/domain/calendar/index.js';
import type { TimelineEntry, ApprovalState } from './messages.js';
import { nowIso } from './clock.js';
import { notify, publish } from './events.js';
import type { NotifyUsersInput, TaskEventPayload } from '../worker/notification-types.js';

export const activities = proxyLocalActivities<FlowActivities>({
  // short idempotent database writes: run in the worker itself, no task-queue round trip per call
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

export interface ApprovalInput {
  processId: string;
  process: string;
  chainId: string;
  chain: ApprovalChain;
  entity: string;
  recordId: string;
  requester: string;
  /** The calendars the chain's timeouts name, from the same configuration version. */
  calendars?: Record<string, Calendar>;
}

export type StepDecision = Decision & { stepId: string; taskId: string; onBehalfOf?: string };

export interface ApprovalResult {
  outcome: 'approved' | 'rejected' | 'recalled';
  decisions: StepDecision[];
  /** Routing, decisions, timeouts: kept in the process timeline once the approval has ended. */
  timeline: TimelineEntry[];
}

export interface LiveTask {
  id: string;
  /** `revise`: the requester's task after an approver asked for changes. */
  kind: 'approval' | 'revise';
  title: string;
  stepId: string;
  approvers: string[];
  status: 'open' | 'completed' | 'cancelled';
  decidedBy: string[];
}

/** Everything one approval run holds; update handlers and the main loop share it. */
export class ApprovalRun {
  readonly tasks = new Map<string, LiveTask>();
  readonly decisions: StepDecision[] = [];
  readonly timeline: TimelineEntry[] = [];
  status: ApprovalState['status'] = 'running';
  recalled = false;
  /** Counts edits of the record signalled while the chain runs. */
  recordChanges = 0;
  /**
   * Part of every task id and idempotency key of the run. Run ids are time-ordered, so their first 8 characters repeat
   * for runs started close together (a resubmission after a cancel): new runs use the whole id.
   */
  readonly runTag = patched('approval-full-run-tag') ? workflowInfo().runId : workflowInfo().runId.slice(0, 8);

  constructor(readonly input: ApprovalInput) {}

  log(step: string, event: string, detail?: Record<string, unknown>): void {
    this.timeline.push({ at: nowIso(), step, event, detail });
  }

  key(suffix: string): string {
    return `${workflowInfo().workflowId}:${this.runTag}:${suffix}`;
  }

  stepTasks(stepId: string): LiveTask[] {
    return [...this.tasks.values()].filter((t) => t.stepId === stepId);
  }

  decisionsOn(tasks: LiveTask[]): StepDecision[] {
    const ids = new Set(tasks.map((t) => t.id));
    return this.decisions.filter((d) => ids.has(d.taskId));
  }

  /** Who approved earlier in this run (the approver decided for, when a delegate acted). */
  earlierApprovers(): string[] {
    return [...new Set(this.decisions.filter((d) => d.outcome === 'approve').map((d) => d.onBehalfOf ?? d.actor))];
  }

  openTasks(): LiveTask[] {
    return [...this.tasks.values()].filter((t) => t.status === 'open');
  }

  async setRecord(set: Record<string, unknown> | undefined, suffix: string): Promise<void> {
    if (!set) return;
    const { entity, recordId, processId } = this.input;
    await activities.updateRecord({ entity, recordId, set, actor: 'system', idempotencyKey: this.key(suffix), context: { processId } });
  }

  async cancel(tasks: LiveTask[]): Promise<void> {
    const { entity, recordId, processId } = this.input;
    for (const t of tasks.filter((x) => x.status === 'open')) {
      t.status = 'cancelled';
      await activities.closeTask({ taskId: t.id, status: 'cancelled', at: nowIso(), entity, recordId, processId, stepId: t.stepId });
      await publish({ event: 'task.cancelled', payload: this.taskEvent(t), idempotencyKey: `${t.id}:cancelled` });
    }
  }

  taskEvent(task: LiveTask, decision?: { outcome: string; decidedBy: string }): TaskEventPayload {
    const { process, processId, entity, recordId } = this.input;
    return {
      taskId: task.id, kind: 'approval', title: task.title, processId, process, entity, recordId, step: task.stepId,
      assignee: task.approvers.length === 1 ? task.approvers[0] : null, candidates: task.approvers,
      outcome: decision?.outcome ?? null, decidedBy: decision?.decidedBy ?? null, at: nowIso(),
    };
  }

  /** Tells the approvers of a task that it waits for them. */
  async announce(task: LiveTask, kind: string, title: string, body: string, suffix: string): Promise<void> {
    await notify(this.announcement(task, kind, title, body, suffix));
  }

  announcement(task: LiveTask, kind: string, title: string, body: string, suffix: string): NotifyUsersInput {
    const { entity, recordId, processId } = this.input;
    return { to: task.approvers, kind, title, body, link: { entity, recordId, processId, taskId: task.id }, idempotencyKey: `${task.id}:${suffix}` };
  }
}

export function stepTitle(entity: string, step: ApprovalStep): string {
  return `Approve ${entity}: ${step.name?.en ?? step.id}`;
}
