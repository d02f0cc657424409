import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppDeps } from '../context.js';
import { ProcessInstanceEntity, TaskEntity, type ProcessInstance } from '../../db/entities.js';
import { finalizeRun } from '../../db/process-final.js';
import { toTaskDto } from '../../db/tasks.js';
import { inboxItem } from '../routes/tasks.js';

const endedStatus: Record<string, 'completed' | 'failed' | 'cancelled'> = {
  COMPLETED: 'completed', FAILED: 'failed', TIMED_OUT: 'failed', TERMINATED: 'cancelled', CANCELLED: 'cancelled', CONTINUED_AS_NEW: 'completed',
};

/**
 * A run whose row says running but whose workflow has ended without saying so (terminated from outside, or a start
 * that never reached Temporal) is made final here: its row, tasks and locks.
 */
export async function reconcile(deps: AppDeps, em: EntityManager, instance: ProcessInstance): Promise<ProcessInstance> {
  if (instance.status !== 'running') return instance;
  const execution = await deps.flow.executionStatus(instance.id);
  if (execution === 'RUNNING' || execution === 'CONTINUED_AS_NEW') return instance;
  const status = execution ? endedStatus[execution] ?? 'failed' : 'failed';
  await finalizeRun(deps.orm.em.fork(), {
    processId: instance.id, workflowId: instance.id, status: status === 'completed' ? 'failed' : status, outcome: null,
    error: { code: execution ? `WORKFLOW_${execution}` : 'WORKFLOW_NOT_FOUND', message: `the workflow of this run is ${execution?.toLowerCase() ?? 'missing'}` },
  });
  return (await em.fork().findOne(ProcessInstanceEntity, { id: instance.id }))!;
}

/** The contract's process shape: status, outcome, config version, current steps, timeline, tasks and variables. */
export async function processView(deps: AppDeps, em: EntityManager, instance: ProcessInstance) {
  const running = instance.status === 'running';
  const live = running ? await deps.flow.processState(instance.id) : null;
  const approvalId = live?.currentStep ? live.approvals?.[live.currentStep] ?? `${instance.id}:${live.currentStep}` : null;
  const approvals = running && approvalId ? await deps.flow.approvalState(approvalId) : null;
  const tasks = await em.find(TaskEntity, { processId: instance.id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  const timeline = [...(live?.timeline ?? (instance.timeline as object[])), ...(approvals?.timeline ?? [])];
  return {
    id: instance.id, process: instance.process, entity: instance.entity, recordId: instance.recordId,
    status: instance.status, outcome: instance.outcome ?? live?.outcome ?? null, configVersion: instance.configVersion, configHash: instance.configHash,
    startedBy: instance.startedBy, startedAt: instance.startedAt.toISOString(), endedAt: instance.endedAt?.toISOString() ?? null,
    parentId: instance.parentId ?? null, error: instance.error ?? null,
    currentStep: live?.currentStep ?? null, currentSteps: live?.currentSteps ?? (live?.currentStep ? [live.currentStep] : []),
    listening: live?.listening ?? [], variables: live?.vars ?? instance.vars ?? {}, timeline,
    tasks: tasks.map((t) => ({ ...inboxItem(toTaskDto(t)), routing: t.routing, decidedBy: t.decidedBy ?? null, outcome: t.outcome ?? null, comment: t.comment ?? null, data: t.data ?? null })),
    openTasks: tasks.filter((t) => t.status === 'open' || t.status === 'claimed').map((t) => inboxItem(toTaskDto(t))),
  };
}
