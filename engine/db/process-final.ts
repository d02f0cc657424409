import type { EntityManager } from '@mikro-orm/postgresql';
import { ProcessInstanceEntity } from './entities.js';

export interface RunFinal {
  processId: string;
  /** Its own tasks and those of its approval children (`<id>:<step>...`) are closed. */
  workflowId: string;
  status: 'completed' | 'failed' | 'cancelled';
  outcome: string | null;
  timeline?: unknown[];
  vars?: Record<string, unknown>;
  error?: { code: string; message: string };
}

/** Ends a run's row (if still running), cancels its open tasks and releases its record locks, in one transaction. */
export async function finalizeRun(em: EntityManager, final: RunFinal): Promise<void> {
  await em.transactional(async (tx) => {
    const instance = await tx.findOne(ProcessInstanceEntity, { id: final.processId });
    if (instance && instance.status === 'running') {
      Object.assign(instance, {
        status: final.status, outcome: final.outcome, error: final.error ?? null, endedAt: new Date(),
        ...(final.timeline ? { timeline: final.timeline } : {}), ...(final.vars ? { vars: final.vars } : {}),
      });
    }
    await closeOpenWork(tx, final.workflowId, new Date());
    await tx.flush();
  });
}

/** Open tasks of a workflow and of its approval children end cancelled; their record locks go. */
export async function closeOpenWork(tx: EntityManager, workflowId: string, at: Date): Promise<void> {
  const prefix = `${workflowId.replace(/[\\%_]/g, (c) => `\\${c}`)}:%`;
  const connection = tx.getConnection();
  const context = tx.getTransactionContext();
  await connection.execute(
    `update tasks set status = 'cancelled', completed_at = ? where status in ('open', 'claimed') and (workflow_id = ? or workflow_id like ?)`,
    [at, workflowId, prefix], 'run', context);
  await connection.execute('delete from pending_approvals where workflow_id = ? or workflow_id like ?', [workflowId, prefix], 'run', context);
}
