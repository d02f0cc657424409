import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEntryEntity } from './entities.js';

export interface AuditInput {
  entity: string;
  /** Absent for events about no record (logins, publishes, refused requests). */
  recordId?: string | null;
  action: string;
  actor: string;
  changes?: Record<string, unknown>;
  comment?: string | null;
  context?: Record<string, unknown>;
  idempotencyKey?: string | null;
  at?: Date;
}

/** Adds an entry to the caller's unit of work; the database seals it into the hash chain at commit. */
export function addAudit(em: EntityManager, entry: AuditInput): void {
  em.create(AuditEntryEntity, {
    id: randomUUID(),
    entity: entry.entity,
    recordId: entry.recordId ?? null,
    action: entry.action,
    actor: entry.actor,
    at: entry.at ?? new Date(),
    changes: entry.changes ?? {},
    comment: entry.comment ?? null,
    context: entry.context ?? {},
    idempotencyKey: entry.idempotencyKey ?? null,
  });
}

/** Writes one entry in a transaction of its own (events that outlive a refused request: failed logins, 403s). */
export async function recordAuditEvent(em: EntityManager, entry: AuditInput): Promise<void> {
  await em.fork().transactional(async (tx) => {
    addAudit(tx, entry);
    await tx.flush();
  });
}
