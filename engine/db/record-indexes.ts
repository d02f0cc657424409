import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { fieldCatalog, fieldExpression, keyLiteral } from '../domain/query/fields.js';
import { entityFeatures } from '../domain/records/features.js';
import { runSql as run } from './record-sql.js';

/** DDL here must never join a caller's transaction (CREATE INDEX CONCURRENTLY cannot run in one). */
const runSql = <T>(em: EntityManager, sql: string, params: unknown[] = []) => run<T>(em, sql, params, true);
import type { PublishedConfig } from './config-store.js';

export interface IndexPlan {
  name: string;
  entity: string;
  field: string;
  unique: boolean;
  sql: string;
}

type Obj = Record<string, unknown>;

function indexName(prefix: string, entity: string, field: string, definition: string): string {
  const hash = createHash('sha256').update(definition).digest('hex').slice(0, 8);
  const readable = `${entity}_${field}`.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 40);
  return `${prefix}_${readable}_${hash}`;
}

/**
 * The indexes a configuration asks for: declared `indexes` become expression indexes on (entity, the field's query
 * expression, id), so filtered, sorted and keyset-paged lists use them; `x-unique` fields get a unique index on the
 * field's text form over the entity's live rows. Names carry a hash of the definition.
 */
export function indexPlan(bundle: Obj): IndexPlan[] {
  const entities = (bundle.entities && typeof bundle.entities === 'object' ? bundle.entities : {}) as Record<string, Obj>;
  const plans: IndexPlan[] = [];
  for (const [entity, definition] of Object.entries(entities)) {
    if (!definition || typeof definition !== 'object') continue;
    const catalog = fieldCatalog(definition.schema);
    const features = entityFeatures(bundle, definition);
    for (const field of new Set(features.indexes)) {
      const info = Object.hasOwn(catalog, field) ? catalog[field] : undefined;
      if (!info || (info.kind !== 'text' && info.kind !== 'number' && info.kind !== 'boolean')) continue;
      // Not partial: PostgreSQL ignores the statistics of partial expression indexes, and without them it misjudges
      // how selective a filter on the field is. Leading `entity` keeps each entity's rows together in the index.
      const body = `on records (entity, (${fieldExpression([field], info.kind)}), id)`;
      const name = indexName('rx', entity, field, body);
      plans.push({ name, entity, field, unique: false, sql: `create index concurrently if not exists ${name} ${body}` });
    }
    for (const field of features.unique) {
      const body = `on records ((${fieldExpression([field], 'text')})) where entity = ${keyLiteral(entity)} and deleted_at is null`;
      const name = indexName('ux', entity, field, body);
      plans.push({ name, entity, field, unique: true, sql: `create unique index concurrently if not exists ${name} ${body}` });
    }
  }
  return plans;
}

export interface EnsureIndexesResult {
  created: string[];
  existing: string[];
  failed: { name: string; entity: string; field: string; message: string }[];
}

/**
 * Creates the indexes `config` declares that do not exist yet (CONCURRENTLY, so writes go on meanwhile). Idempotent:
 * call it after every publish and at server start. A unique index that cannot be built (duplicates already stored)
 * is reported in `failed`; writes still refuse new duplicates by checking in their transaction.
 * Must not run inside a transaction.
 */
export async function ensureIndexes(em: EntityManager, config: Pick<PublishedConfig, 'bundle'>): Promise<EnsureIndexesResult> {
  const result: EnsureIndexesResult = { created: [], existing: [], failed: [] };
  const plans = indexPlan(config.bundle);
  if (!plans.length) return result;
  const rows = await runSql<{ name: string; valid: boolean }>(em,
    `select c.relname as name, i.indisvalid as valid from pg_class c join pg_index i on i.indexrelid = c.oid
     where c.relname = any($1::text[])`, [plans.map((p) => p.name)]);
  const state = new Map(rows.map((r) => [r.name, r.valid]));
  for (const plan of plans) {
    if (state.get(plan.name) === true) {
      result.existing.push(plan.name);
      continue;
    }
    try {
      if (state.get(plan.name) === false) await runSql(em, `drop index concurrently if exists ${plan.name}`);
      await runSql(em, plan.sql);
      result.created.push(plan.name);
    } catch (error) {
      await runSql(em, `drop index concurrently if exists ${plan.name}`).catch(() => undefined);
      result.failed.push({ name: plan.name, entity: plan.entity, field: plan.field, message: (error as Error).message });
    }
  }
  // Statistics of new expression indexes only exist after ANALYZE; without them the planner guesses selectivity.
  if (result.created.length) await runSql(em, 'analyze records');
  return result;
}

const ensured = new Map<string, Promise<EnsureIndexesResult>>();

/** ensureIndexes once per configuration version and process: the records repository's safety net. */
export function ensureIndexesOnce(em: EntityManager, config: PublishedConfig): Promise<EnsureIndexesResult> {
  const key = `${String(em.config.get('clientUrl'))}#${config.version}#${config.hash}`;
  let pending = ensured.get(key);
  if (!pending) {
    // A safety net must not fail the request that triggered it: forget the attempt so a later request retries.
    pending = ensureIndexes(em, config).catch(() => {
      ensured.delete(key);
      return { created: [], existing: [], failed: [] };
    });
    ensured.set(key, pending);
  }
  return pending;
}
