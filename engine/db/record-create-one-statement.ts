import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { diffFields } from '../domain/records/diff.js';
import { unreviewed } from '../domain/records/review.js';
import { pipelinesOf } from '../domain/pipeline/index.js';
import { DomainError } from '../domain/errors.js';
import { formatNumber, numberParts, utcDateParts } from '../domain/records/features.js';
import { prepareData, type EntityContext } from './record-write.js';
import { entityDefinition } from './record-validation.js';
import { runSql } from './record-sql.js';

/** Schema keywords that say nothing about a string's value: a number drawn in SQL validates as its placeholder. */
const ANNOTATIONS = new Set(['type', 'readOnly', 'title', 'description', 'default', 'examples', '$comment']);

/** Whether the entity's number can be drawn inside the insert: one sequence token, and a schema blind to its digits. */
function numberDrawnInStatement(ctx: EntityContext): boolean {
  const numbering = ctx.features.numbering;
  if (!numbering) return true;
  if (!numberParts(numbering.pattern, utcDateParts(new Date()))) return false;
  const properties = (entityDefinition(ctx.config, ctx.entity).schema as { properties?: Record<string, Record<string, unknown>> } | undefined)?.properties;
  const schema = properties?.[numbering.field] ?? {};
  return Object.keys(schema).every((k) => ANNOTATIONS.has(k) || k.startsWith('x-'));
}

/**
 * Whether creating a record of the entity reads nothing from the database before its insert: no unique value to
 * lock, no pipeline stay to open, no entity rule to run (a rule may read a referenced record and a warning writes a
 * notification), no reference or user to look up in `data` (a reference left empty is not looked up), and a number,
 * if any, that the insert can draw itself. Pass the input for a first guess before preparing, and the prepared data to
 * decide.
 */
export function createsWithoutReads(ctx: EntityContext, data: Record<string, unknown>): boolean {
  const f = ctx.features;
  const empty = (field: string) => (data[field] ?? null) === null && (ctx.rules.defaults[field] ?? null) === null
    && !f.computed.some((c) => c.field === field);
  return f.references.every((r) => empty(r.field)) && f.users.every(empty) && !f.unique.length
    && !ctx.writeRules.rules.length && !pipelinesOf(ctx.config.bundle, ctx.entity).length && numberDrawnInStatement(ctx);
}

/**
 * Creates a record of such an entity in one statement: the record and its audit entry (sealed into the hash chain at
 * or shortly after commit like any other), inserted only while `ctx`'s configuration is still the latest published
 * one. One round trip instead of five (latest version, begin, two inserts, commit), atomic as a single statement.
 * A numbered entity draws its number in the same statement: the counter row is incremented only when the record is
 * inserted and stays locked until the statement commits, so numbers stay gap-free and serialised as on the
 * transactional path. Answers null when the configuration moved on, and when the data is refused (the error is then
 * found again by the caller against the latest configuration, not a configuration read up to a second ago): the
 * caller takes the transactional path.
 */
export async function createInOneStatement(em: EntityManager, ctx: EntityContext, input: Record<string, unknown>, actor: string,
  prefix: string, id: string = randomUUID()): Promise<{ id: string; data: Record<string, unknown>; at: Date; review: ReturnType<typeof unreviewed> | null } | null> {
  const now = new Date();
  const numbering = ctx.features.numbering;
  const parts = numbering ? numberParts(numbering.pattern, utcDateParts(now)) : null;
  if (numbering && !parts) return null;
  let data: Record<string, unknown>;
  try {
    const placeholderNumber = numbering ? formatNumber(numbering.pattern, utcDateParts(now), 0) : undefined;
    ({ data } = await prepareData(em, ctx, { merged: input, input, current: null, prefix, now, actor, placeholderNumber }));
  } catch (error) {
    if (error instanceof DomainError) return null;
    throw error;
  }
  if (!createsWithoutReads(ctx, data)) return null;
  const review = ctx.features.reviewRequired ? { ...unreviewed() } : null;
  const params: unknown[] = [id, ctx.entity, JSON.stringify(data), ctx.config.version, actor, now, review && JSON.stringify(review), randomUUID(),
    JSON.stringify(diffFields({}, data))];
  let drawn = '';
  let dataSql = '$3::jsonb';
  let changesSql = '$9::jsonb';
  let from = 'latest';
  if (numbering && parts) {
    params.push(parts.scope, parts.prefix, parts.width, parts.suffix, numbering.field);
    drawn = `counter as (insert into record_counters (entity, scope, value) select $2, $10, 1 from latest where latest.version = $4
        on conflict (entity, scope) do update set value = record_counters.value + 1 returning value::text as value),
      drawn as (select $11 || lpad(value, greatest($12::int, length(value)), '0') || $13 as number from counter),`;
    dataSql = `$3::jsonb || jsonb_build_object($14::text, drawn.number)`;
    changesSql = `$9::jsonb || jsonb_build_object($14::text, jsonb_build_object('before', null, 'after', drawn.number))`;
    from = 'latest, drawn';
  }
  const rows = await runSql<{ number: string | null }>(em, `with latest as (select max(version) as version from config_versions), ${drawn}
      record as (insert into records (id, entity, data, version, config_version, created_by, updated_by, created_at, updated_at, deleted_at, review)
        select $1::uuid, $2, ${dataSql}, 1, $4, $5, $5, $6, $6, null, $7::jsonb from ${from} where latest.version = $4 returning id, data),
      audit as (insert into audit_entries (id, entity, record_id, action, actor, at, changes, comment, context, idempotency_key)
        select $8::uuid, $2, record.id, 'create', $5, $6, ${changesSql}, null, '{}'::jsonb, null from record${numbering ? ', drawn' : ''})
    select ${numbering ? 'record.data ->> $14::text' : 'null'} as number from record`, params);
  if (!rows.length) return null;
  if (numbering) data[numbering.field] = rows[0].number;
  return { id, data, at: now, review };
}
