import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, joinPointer, type ErrorDetail } from '../domain/errors.js';
import { topLevelField } from '../domain/config/compatibility.js';
import { createEntityValidator } from '../domain/records/entity-validator.js';
import { query } from './config-compatibility.js';

/** `{entity: {field: value}}`: the value given to live records that lack the field, when a version is published. */
export type Backfill = Record<string, Record<string, unknown>>;

/** Records changed per entity and field. */
export type BackfillCounts = Record<string, Record<string, number>>;

type Json = Record<string, unknown>;

/**
 * Checks a backfill against the candidate bundle: every entity and field must exist there and every value must be
 * valid for its field. Paths point into the request body (`/backfill/<entity>/<field>`).
 */
export function checkBackfill(bundle: Json, backfill: unknown): Backfill {
  if (backfill === undefined) return {};
  const details: ErrorDetail[] = [];
  if (!isObject(backfill)) {
    throw new DomainError('VALIDATION_FAILED', 'backfill must be an object', [{ path: '/backfill', message: 'must be {entity: {field: value}}' }]);
  }
  const entities = isObject(bundle.entities) ? bundle.entities : {};
  for (const [entity, fields] of Object.entries(backfill)) {
    const path = joinPointer('/backfill', entity);
    const definition = Object.hasOwn(entities, entity) && isObject(entities[entity]) ? (entities[entity] as Json) : undefined;
    if (!definition) {
      details.push({ path, message: `entity ${entity} is not in the bundle`, code: 'UNKNOWN_ENTITY' });
      continue;
    }
    if (!isObject(fields)) {
      details.push({ path, message: 'must be {field: value}' });
      continue;
    }
    const schema = isObject(definition.schema) ? definition.schema : {};
    const properties = isObject(schema.properties) ? schema.properties : {};
    const validate = createEntityValidator(schema);
    for (const [field, value] of Object.entries(fields)) {
      if (!Object.hasOwn(properties, field)) {
        details.push({ path: joinPointer(path, field), message: `${entity} has no field ${field}`, code: 'UNKNOWN_FIELD' });
        continue;
      }
      if (isObject(properties[field]) && (properties[field] as Json)['x-unique'] === true) {
        // One value on many records would violate the field's unique index.
        details.push({ path: joinPointer(path, field), message: `${field} is unique: it cannot be backfilled with one value`, code: 'UNIQUE_FIELD' });
        continue;
      }
      for (const problem of validate({ [field]: structuredClone(value) })) {
        if (topLevelField(problem.path) === field) details.push({ ...problem, path: path + problem.path });
      }
    }
  }
  if (details.length) throw new DomainError('VALIDATION_FAILED', 'the backfill is invalid', details);
  return backfill as Backfill;
}

/**
 * Sets each backfill value on the live records that lack the field, one audit entry (action `backfill`) per record,
 * inside the caller's transaction. Records keep their version number semantics: each change bumps `version`.
 */
export async function applyBackfill(tx: EntityManager, backfill: Backfill, actor: string, configVersion: number): Promise<BackfillCounts> {
  const counts: BackfillCounts = {};
  const at = new Date();
  for (const [entity, fields] of Object.entries(backfill)) {
    counts[entity] = {};
    for (const [field, value] of Object.entries(fields)) {
      const json = JSON.stringify(value);
      const rows = await query<{ n: number }>(tx,
        `with changed as (
           update records set data = data || jsonb_build_object(?::text, ?::jsonb), version = version + 1, updated_at = ?, updated_by = ?
           where entity = ? and deleted_at is null and not jsonb_exists(data, ?)
           returning id),
         audited as (
           insert into audit_entries (id, entity, record_id, action, actor, at, changes, context)
           select gen_random_uuid(), ?, id, 'backfill', ?, ?,
             jsonb_build_object(?::text, jsonb_build_object('before', null, 'after', ?::jsonb)),
             jsonb_build_object('configVersion', ?::int)
           from changed
           returning 1)
         select count(*)::int as n from audited`,
        [field, json, at, actor, entity, field, entity, actor, at, field, json, configVersion]);
      counts[entity][field] = rows[0]?.n ?? 0;
    }
  }
  return counts;
}

function isObject(value: unknown): value is Json {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}
