import { uuidFromKey } from '../engine/db/uuid-from-key.js';
import type { MikroORM } from '@mikro-orm/postgresql';
import { RecordEntity, TaskEntity } from '../engine/db/entities.js';
import { closeOpenWork, finalizeRun } from '../engine/db/process-final.js';
import { RecordRepository, addAudit } from '../engine/db/records.js';
import { prepareProcessRun, triggerTargets } from '../engine/db/process-runs.js';
import { rankCandidates } from '../engine/db/task-assignment.js';
import type { ProcessActivities } from './process-activity-types.js';
import { nonRetryableOnDomainError } from './activities.js';

export interface ProcessActivityDeps {
  orm: MikroORM;
  historyLimit?: number;
}

const openStatuses = ['open', 'claimed'];

export function createProcessActivities({ orm, historyLimit }: ProcessActivityDeps): ProcessActivities {
  const em = () => orm.em.fork();
  return {
    async rankCandidates({ rule, process, stepId }) {
      return rankCandidates(em(), rule, process, stepId);
    },

    async claimTask({ taskId, assignee, status, actor, at }) {
      await em().transactional(async (tx) => {
        const task = await tx.findOne(TaskEntity, { id: taskId });
        if (!task || !openStatuses.includes(task.status)) return;
        if (task.status === status && task.assignee === assignee) return;
        Object.assign(task, { assignee, status });
        addAudit(tx, {
          entity: task.entity, recordId: task.recordId, action: status === 'claimed' ? 'claim' : 'release', actor, at: new Date(at),
          context: { processId: task.processId, task: task.id },
        });
        await tx.flush();
      });
    },

    async createRecord({ entity, data, actor, idempotencyKey }) {
      const id = uuidFromKey(idempotencyKey);
      const fork = em();
      if (await fork.findOne(RecordEntity, { id })) return { id };
      return nonRetryableOnDomainError(async () => ({ id: (await new RecordRepository(fork).create(entity, data, actor, '', id)).id }));
    },

    async listTriggerTargets({ process, filter }) {
      return nonRetryableOnDomainError(() => triggerTargets(em(), process, filter));
    },

    async prepareProcessRun(request) {
      return nonRetryableOnDomainError(() => prepareProcessRun(em(), request, { historyLimit }));
    },

    async finalizeProcess(final) {
      await finalizeRun(em(), final);
    },

    async closeWorkflowTasks({ workflowId, at }) {
      const fork = em();
      await fork.transactional((tx) => closeOpenWork(tx, workflowId, new Date(at)));
    },
  };
}

