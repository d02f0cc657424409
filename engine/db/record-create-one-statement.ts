import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { diffFields } from '../domain/records/diff.js';
import { unreviewed } from '../domain/records/review.js';
import { pipelinesOf } from '../domain/pipeline/index.js';
import { DomainError } from '../domain/errors.js';
import { prepareData, type EntityContext } from './record-write.js';
import { runSql } from './record-sql.js';

/**
 * Whether creating a record of the entity reads nothing from the database before its insert: no numbering counter,
 * no unique value to lock, no pipeline stay to open, no entity rule to run (a rule may read a referenced record and a
 * warning writes a notification), and no reference or user to look up in `data` (a reference left empty is not
 * looked up). Pass the input for a first guess before preparing, and the prepared data to decide.
 */
export function createsWithoutReads(ctx: EntityContext, data: Record<string, unknown>): boolean {
  const f = ctx.features;
  const empty = (field: string) => (data[field] ?? null) === null && (ctx.rules.defaults[field] ?? null) === null
    && !f.computed.some((c) => c.field === field);
  return !f.numbering && f.references.every((r) => empty(r.field)) && f.users.every(empty) && !f.unique.length
    && !ctx.writeRules.rules.length && !pipelinesOf(ctx.config.bundle, ctx.entity).length;
}

/**
 * Creates a record of such an entity in one statement: the record and its audit entry (sealed into the hash chain at
 * commit like any other), inserted only while `ctx`'s configuration is still the latest published one. One round
 * trip instead of five (latest version, begin, two inserts, commit), atomic as a single statement. Answers null when
 * the configuration moved on, and when the data is refused (the error is then found again by the caller against the
 * latest configuration, not a configuration read up to a second ago): the caller takes the transactional path.
 */
export async function createInOneStatement(em: EntityManager, ctx: EntityContext, input: Record<string, unknown>, actor: string,
  prefix: string, id: string = randomUUID()): Promise<{ id: string; data: Record<string, unknown>; at: Date; review: ReturnType<typeof unreviewed> | null } | null> {
  const now = new Date();
  let data: Record<string, unknown>;
  try {
    ({ data } = await prepareData(em, ctx, { merged: input, input, current: null, prefix, now, actor }));
  } catch (error) {
    if (error instanceof DomainError) return null;
    throw error;
  }
  if (!createsWithoutReads(ctx, data)) return null;
  const review = ctx.features.reviewRequired ? { ...unreviewed() } : null;
  const rows = await runSql<{ n: number }>(em, `with latest as (select max(version) as version from config_versions),
      record as (insert into records (id, entity, data, version, config_version, created_by, updated_by, created_at, updated_at, deleted_at, review)
        select $1::uuid, $2, $3::jsonb, 1, $4, $5, $5, $6, $6, null, $7::jsonb from latest where latest.version = $4 returning id),
      audit as (insert into audit_entries (id, entity, record_id, action, actor, at, changes, comment, context, idempotency_key)
        select $8::uuid, $2, record.id, 'create', $5, $6, $9::jsonb, null, '{}'::jsonb, null from record)
    select count(*)::int as n from record`,
  [id, ctx.entity, JSON.stringify(data), ctx.config.version, actor, now, review && JSON.stringify(review), randomUUID(), JSON.stringify(diffFields({}, data))]);
  return rows[0]?.n ? { id, data, at: now, review } : null;
}
