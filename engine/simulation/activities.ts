import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { resolveApprovers } from '../domain/approval/index.js';
import type { AssignmentRule } from '../domain/config/process-types.js';
import { DomainError } from '../domain/errors.js';
import { buildRunInput, businessKey, processDefinition, runEntity } from '../domain/process/run-input.js';
import { applyMergePatch } from '../domain/records/merge-patch.js';
import type { FlowActivities } from '../../worker/activity-types.js';
import type { ProcessActivities } from '../../worker/process-activity-types.js';
import type { NotificationActivities } from '../../worker/notification-types.js';
import type { SimulationStore } from './store.js';

export interface SimulationActivityDeps {
  store: SimulationStore;
  /** The simulated time now (the time-skipping server's clock), as an ISO instant. */
  clock: () => Promise<string>;
  /** The real load of each holder of a rule, read-only (the simulation adds the tasks it opened itself). */
  realLoads: (rule: AssignmentRule, process: string, stepId: string) => Promise<{ username: string; load: number }[]>;
  /** A real record, read-only, for a run the simulation starts on a record it does not hold yet. */
  readRecord: (entity: string, id: string) => Promise<Record<string, unknown> | null>;
  /** Runs the simulation starts get the history limit real runs get. */
  historyLimit?: number;
}

export type SimulationActivities = FlowActivities & ProcessActivities & NotificationActivities;

/** A domain error as the real activities report it: a failure that retrying does not cure. */
async function nonRetryable<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError) throw ApplicationFailure.create({ type: error.code, message: error.message, details: [error.details], nonRetryable: true });
    throw error;
  }
}

/** The workflow calling the current activity: which run a write or a notification belongs to. */
function callingWorkflow(): string | undefined {
  try {
    return Context.current().info.workflowExecution?.workflowId;
  } catch {
    return undefined; // called outside an activity (a direct call in a test)
  }
}

/**
 * The three activity interfaces of the interpreter over one simulation's in-memory store: the same inputs and
 * results as the real activities, but nothing reaches the database (the directory and task loads are only read),
 * no notification or webhook leaves, and every record change is kept with its simulated time.
 */
export function createSimulationActivities({ store, clock, realLoads, readRecord, historyLimit }: SimulationActivityDeps): SimulationActivities {
  const createdByKey = new Map<string, string>();
  const recordOf = (entity: string, recordId: string) => {
    const record = store.records.get(recordId);
    if (!record || record.entity !== entity) throw new DomainError('NOT_FOUND', `${entity} ${recordId} does not exist in this simulation`);
    return record;
  };
  /** A real record the run reaches (a sub-process's, an updateRecord or readRecord target) is copied in on first use; writes stay here. */
  const loaded = async (entity: string, recordId: string) => {
    if (!store.records.has(recordId)) {
      const real = await readRecord(entity, recordId);
      if (!real) throw new DomainError('NOT_FOUND', `${entity} ${recordId} does not exist`);
      store.records.set(recordId, { entity, data: real });
    }
    return recordOf(entity, recordId);
  };
  const validated = (entity: string, data: Record<string, unknown>) => {
    const problems = store.validators(entity)(data);
    if (problems.length) throw new DomainError('VALIDATION_FAILED', `the ${entity} written by the process is invalid`, problems);
    return data;
  };
  const closeWork = (workflowId: string, at: string) => {
    for (const task of store.tasks.values()) {
      const owned = task.workflowId === workflowId || task.workflowId.startsWith(`${workflowId}:`);
      if (owned && (task.status === 'open' || task.status === 'claimed')) Object.assign(task, { status: 'cancelled', completedAt: at });
    }
    for (const id of [...store.pendingApprovals.keys()]) if (id === workflowId || id.startsWith(`${workflowId}:`)) store.pendingApprovals.delete(id);
  };

  const activities: Omit<SimulationActivities, 'openAnnouncedTask'> = {
    async loadRecord({ entity, recordId }) {
      return nonRetryable(async () => structuredClone((await loaded(entity, recordId)).data));
    },

    async resolveApprovers({ spec, requester, approver, record, exclude }) {
      return nonRetryable(() => resolveApprovers(spec, { directory: store.users, requester, approver, record, exclude }));
    },

    async openTask(task) {
      if (store.tasks.has(task.id)) return;
      store.tasks.set(task.id, {
        id: task.id, step: task.stepId, kind: task.kind, title: task.title, workflowId: task.workflowId, assignee: task.assignee,
        candidates: task.candidates, status: 'open', createdAt: task.createdAt, completedAt: null, outcome: null, actor: null,
        dueAt: task.dueAt, form: task.form ?? null, outcomes: task.outcomes ?? null,
      });
    },

    async closeTask(closure) {
      const task = store.tasks.get(closure.taskId);
      if (!task || task.status === 'completed' || task.status === 'cancelled') return;
      Object.assign(task, { status: closure.status, outcome: closure.outcome ?? null, actor: closure.actor ?? null, completedAt: closure.at });
    },

    async reassignTask(change) {
      const task = store.tasks.get(change.taskId);
      if (!task || task.status === 'completed' || task.status === 'cancelled') return;
      Object.assign(task, { candidates: change.approvers, assignee: change.approvers.length === 1 ? change.approvers[0] : null, status: 'open' });
    },

    async updateRecord({ entity, recordId, set, actor, idempotencyKey }) {
      await nonRetryable(async () => {
        if (store.applied.has(idempotencyKey)) return;
        const record = await loaded(entity, recordId);
        record.data = validated(entity, applyMergePatch(record.data, set as never) as Record<string, unknown>);
        store.applied.add(idempotencyKey);
        store.recordChanges.push({ at: await clock(), recordId, entity, set, action: 'update', actor, workflowId: callingWorkflow() });
      });
    },

    async saveProcessState({ id, status, timeline }) {
      const run = store.runs.get(id);
      if (run) Object.assign(run, { status, timeline });
    },

    async openPendingApproval({ recordId, workflowId, lockedFields, onRecordChange }) {
      store.pendingApprovals.set(workflowId, { recordId, lockedFields, onRecordChange });
    },

    async closePendingApproval({ workflowId }) {
      store.pendingApprovals.delete(workflowId);
    },

    async rankCandidates({ rule, process, stepId }) {
      const simulated = (username: string) => store.taskList().filter((t) => t.assignee === username
        && (rule.pick === 'leastLoad' ? t.status === 'open' || t.status === 'claimed' : t.step === stepId)).length;
      const ranked = (await realLoads(rule, process, stepId)).map((r) => ({ username: r.username, load: r.load + simulated(r.username) }));
      return ranked.sort((a, b) => a.load - b.load || a.username.localeCompare(b.username)).map((r) => r.username);
    },

    async claimTask({ taskId, assignee, status }) {
      const task = store.tasks.get(taskId);
      if (task && (task.status === 'open' || task.status === 'claimed')) Object.assign(task, { assignee, status });
    },

    async createRecord({ entity, data, actor, idempotencyKey }) {
      return nonRetryable(async () => {
        const known = createdByKey.get(idempotencyKey);
        if (known) return { id: known };
        const id = randomUUID();
        const stored = validated(entity, structuredClone(data));
        store.number(entity, stored, await clock());
        store.records.set(id, { entity, data: stored });
        createdByKey.set(idempotencyKey, id);
        store.recordChanges.push({ at: await clock(), recordId: id, entity, set: structuredClone(stored), action: 'create', actor, workflowId: callingWorkflow() });
        return { id };
      });
    },

    /** Schedules do not fire inside a simulation (docs/processes-simulation.md): a firing selects no record. */
    async listTriggerTargets() {
      return [];
    },

    async prepareProcessRun(request) {
      return nonRetryable(async () => {
        const entity = runEntity(processDefinition(store.bundle, request.process), request);
        const existing = store.runs.get(businessKey(request.process, entity, request.recordId));
        if (existing?.status === 'running') return { status: 'running' as const, processId: existing.processId };
        const input = buildRunInput(store.bundle, 0, request, (await loaded(entity, request.recordId)).data, { historyLimit });
        store.runs.set(input.processId, {
          processId: input.processId, process: input.process, entity: input.entity, recordId: input.recordId, status: 'running', outcome: null, timeline: [],
          ...(request.parentId ? { parentId: request.parentId } : {}),
        });
        return { status: 'ready' as const, input, memo: { simulation: true } };
      });
    },

    async finalizeProcess(final) {
      const run = store.runs.get(final.processId);
      if (run && run.status === 'running') {
        Object.assign(run, { status: final.status, outcome: final.outcome, ...(final.timeline ? { timeline: final.timeline } : {}), ...(final.error ? { error: final.error } : {}) });
      }
      closeWork(final.workflowId, await clock());
    },

    async closeWorkflowTasks({ workflowId, at }) {
      closeWork(workflowId, at);
    },

    async notifyUsers({ to, kind, title }) {
      const at = await clock();
      const known = new Set(store.users.map((u) => u.username));
      const unknown = to.filter((u) => !known.has(u));
      const workflowId = callingWorkflow();
      for (const user of to.filter((u) => known.has(u))) store.notifications.push({ at, to: user, kind, title, workflowId });
      return { notificationIds: [], emailed: [], unknown };
    },

    async publishEvent({ event, payload }) {
      store.webhooks.push({ at: await clock(), event, payload } as never);
      return { deliveryIds: [] };
    },

    async deliverWebhook() {
      return { status: 0 };
    },

    async giveUpWebhook() {
      return undefined;
    },
  };
  return {
    ...activities,
    async openAnnouncedTask({ task, notify, publish }) {
      await activities.openTask(task);
      if (notify) await activities.notifyUsers(notify);
      if (publish) await activities.publishEvent(publish);
      return { deliveryIds: [] };
    },
  };
}
