import type { MikroORM } from '@mikro-orm/postgresql';
import { TaskEntity, ProcessInstanceEntity } from '../engine/db/entities.js';
import { RecordRepository, addAudit } from '../engine/db/records.js';
import { UserRepository } from '../engine/db/users.js';
import { insertOpenTask } from '../engine/db/tasks.js';
import { PendingApprovals } from '../engine/db/pending-approvals.js';
import { resolveApprovers } from '../engine/domain/approval/index.js';
import { DomainError } from '../engine/domain/errors.js';
import { ApplicationFailure } from '@temporalio/activity';
import type { FlowActivities } from './activity-types.js';
import type { FlowClient } from '../engine/temporal/client.js';
import { signalStageActivity } from '../engine/temporal/stage-stays.js';
import { afterStageMoves } from '../engine/temporal/stage-effects.js';
import { pipelinesOf, STAGE_APPROVAL_PREFIX } from '../engine/domain/pipeline/index.js';
import { taskLatency } from '../engine/metrics.js';
import type { EntityManager } from '@mikro-orm/postgresql';

export interface ActivityDeps {
  orm: MikroORM;
  /** Starts and signals the stale clocks of stage stays that workflow writes move (absent: no clocks). */
  flow?: FlowClient;
}

/** Expected failures (bad data, missing records) do not get better by retrying. */
export async function nonRetryableOnDomainError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError) {
      throw ApplicationFailure.create({ type: error.code, message: error.message, details: [error.details], nonRetryable: true });
    }
    throw error;
  }
}

export function createActivities({ orm, flow }: ActivityDeps): FlowActivities {
  const em = () => orm.em.fork();
  return {
    async loadRecord({ entity, recordId }) {
      return nonRetryableOnDomainError(async () => (await new RecordRepository(em()).get(entity, recordId)).data);
    },

    async resolveApprovers({ spec, requester, approver, record, exclude }) {
      const directory = await new UserRepository(em()).directory();
      return nonRetryableOnDomainError(async () => resolveApprovers(spec, { directory, requester, approver, record, exclude }));
    },

    async openTask(task) {
      await insertOpenTask(em(), task);
    },

    async closeTask(closure) {
      let opened: { kind: string; at: Date } | undefined;
      await em().transactional(async (tx) => {
        const task = await tx.findOne(TaskEntity, { id: closure.taskId });
        if (!task || task.status === 'completed' || task.status === 'cancelled') return;
        opened = { kind: task.kind, at: task.createdAt };
        task.status = closure.status;
        task.outcome = closure.outcome ?? null;
        task.decidedBy = closure.actor ?? null;
        task.onBehalfOf = closure.onBehalfOf ?? null;
        task.comment = closure.comment ?? null;
        if (closure.data) task.data = closure.data;
        task.completedAt = new Date(closure.at);
        if (closure.status === 'completed' && closure.actor && closure.outcome) {
          addAudit(tx, {
            entity: closure.entity, recordId: closure.recordId, action: closure.outcome, actor: closure.actor,
            comment: closure.comment ?? null, at: new Date(closure.at), idempotencyKey: `task:${closure.taskId}:decision`,
            context: { processId: closure.processId, step: closure.stepId, task: closure.taskId, ...(closure.onBehalfOf ? { onBehalfOf: closure.onBehalfOf } : {}) },
          });
        }
        await tx.flush();
      });
      // once per task: a retried close finds it closed
      if (opened && closure.status === 'completed') {
        taskLatency.observe({ kind: opened.kind, outcome: closure.outcome ?? 'done' }, Math.max(0, Date.parse(closure.at) - opened.at.getTime()) / 1000);
      }
    },

    async reassignTask(change) {
      await em().transactional(async (tx) => {
        const task = await tx.findOne(TaskEntity, { id: change.taskId });
        if (!task || task.status === 'completed' || task.status === 'cancelled') return;
        if (JSON.stringify(task.candidates) === JSON.stringify(change.approvers)) return;
        task.candidates = change.approvers;
        task.assignee = change.approvers.length === 1 ? change.approvers[0] : null;
        task.status = 'open';
        task.reassignedFrom = change.from.join(',');
        addAudit(tx, {
          entity: change.entity, recordId: change.recordId, action: 'reassign', actor: change.actor, comment: change.comment ?? null,
          at: new Date(change.at), changes: { approvers: { before: change.from, after: change.approvers } },
          context: { processId: change.processId, task: change.taskId },
        });
        await tx.flush();
      });
    },

    async updateRecord(update) {
      const repo = new RecordRepository(em());
      const processId = typeof update.context?.processId === 'string' ? update.context.processId : '';
      await nonRetryableOnDomainError(async () => {
        try {
          return await repo.systemUpdate(update.entity, update.recordId, update.set, update.actor, update.idempotencyKey, update.context ?? {});
        } catch (error) {
          // A stage approval whose move the gate refuses fails: its instance must stop showing the move as pending.
          if (error instanceof DomainError && processId.startsWith(`${STAGE_APPROVAL_PREFIX}.`)) await markFailed(em(), processId);
          throw error;
        }
      });
      if (!flow) return;
      // After the commit, as for API writes: a stage move has its effects (stale clock, stage triggers, onEnter
      // processes), another change is activity on the stay.
      if (repo.stageMoves.length) await afterStageMoves({ orm, flow }, repo.stageMoves.splice(0));
      else if (pipelinesOf((await repo.context(update.entity, 1000)).config.bundle, update.entity).length) {
        await signalStageActivity(flow, update.entity, update.recordId, 'field-change');
      }
    },

    async openPendingApproval(input) {
      await new PendingApprovals(em()).open(input);
    },

    async closePendingApproval({ recordId, workflowId }) {
      await new PendingApprovals(em()).close(recordId, workflowId);
    },

    async saveProcessState({ id, status, timeline, ended }) {
      const fork = em();
      const instance = await fork.findOne(ProcessInstanceEntity, { id });
      if (!instance) return;
      instance.status = status;
      instance.timeline = timeline;
      if (ended) instance.endedAt = new Date();
      await fork.flush();
    },
  };
}

async function markFailed(em: EntityManager, processId: string): Promise<void> {
  const instance = await em.findOne(ProcessInstanceEntity, { id: processId });
  if (!instance || instance.status !== 'running') return;
  instance.status = 'failed';
  instance.endedAt = new Date();
  await em.flush();
}
