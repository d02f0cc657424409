import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, joinPointer } from '../domain/errors.js';

export interface PendingApproval {
  recordId: string;
  workflowId: string;
  lockedFields: string[];
  onRecordChange: 'continue' | 'reevaluate' | 'restart';
}

/** Approvals waiting on a record: what they lock, and whether an edit should wake them. */
export class PendingApprovals {
  constructor(private readonly em: EntityManager) {}

  async open(entry: PendingApproval): Promise<void> {
    await this.em.getConnection().execute(
      `insert into pending_approvals (record_id, workflow_id, locked_fields, on_record_change) values (?, ?, ?::jsonb, ?)
       on conflict (record_id, workflow_id) do update set locked_fields = excluded.locked_fields, on_record_change = excluded.on_record_change`,
      [entry.recordId, entry.workflowId, JSON.stringify(entry.lockedFields), entry.onRecordChange],
    );
  }

  async close(recordId: string, workflowId: string): Promise<void> {
    await this.em.getConnection().execute('delete from pending_approvals where record_id = ? and workflow_id = ?', [recordId, workflowId]);
  }

  async forRecord(recordId: string): Promise<PendingApproval[]> {
    const rows = await this.em.getConnection().execute(
      'select record_id, workflow_id, locked_fields, on_record_change from pending_approvals where record_id = ?', [recordId], 'all', this.em.getTransactionContext());
    return (rows as { record_id: string; workflow_id: string; locked_fields: string[]; on_record_change: PendingApproval['onRecordChange'] }[])
      .map((r) => ({ recordId: r.record_id, workflowId: r.workflow_id, lockedFields: r.locked_fields, onRecordChange: r.on_record_change }));
  }

  /** Refuses (409 RECORD_LOCKED) a change to any field a pending approval locks. */
  async assertUnlocked(recordId: string, changedFields: string[], pathPrefix: string): Promise<void> {
    const locked = new Set((await this.forRecord(recordId)).flatMap((p) => p.lockedFields));
    const hits = changedFields.filter((f) => locked.has(f));
    if (hits.length) {
      throw new DomainError('RECORD_LOCKED', `locked while the record is pending approval: ${hits.join(', ')}`,
        hits.map((f) => ({ path: joinPointer(pathPrefix, f), message: 'locked during approval' })));
    }
  }
}
