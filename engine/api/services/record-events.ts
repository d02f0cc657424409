import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../context.js';
import { ProcessInstanceEntity } from '../../db/entities.js';
import { PendingApprovals } from '../../db/pending-approvals.js';
import { fireTriggers, type TriggerCause } from '../../temporal/triggers.js';

/**
 * After a record write has committed: running processes of the record hear of the change (timers that read its dates
 * follow them; approvals that re-evaluate on edits wake up), and create / update triggers start their processes.
 * A trigger that cannot start (entry criteria, a bad condition) is logged; the write stands.
 */
export async function afterRecordWrite(deps: AppDeps, log: FastifyBaseLogger, entity: string, record: { id: string; version: number }, cause: TriggerCause, actor: string): Promise<void> {
  if (cause.on === 'update') {
    const pending = await new PendingApprovals(deps.orm.em.fork()).forRecord(record.id);
    for (const p of pending.filter((x) => x.onRecordChange !== 'continue')) await deps.flow.signalRecordChanged(p.workflowId, record.version);
    const runs = await deps.orm.em.fork().find(ProcessInstanceEntity, { entity, recordId: record.id, status: 'running' }, { fields: ['id'] });
    for (const run of runs) await deps.flow.signalRecordChanged(run.id, record.version);
  }
  try {
    await fireTriggers(deps, entity, record.id, cause, actor);
  } catch (error) {
    log.warn({ err: error, entity, recordId: record.id, trigger: cause.on }, 'a process trigger did not start');
  }
}
