import type { EntityManager } from '@mikro-orm/postgresql';
import {
  compatibilityPlan, summarizeViolations, topLevelField,
  type CompatibilityIssue, type RecordProbe, type RecordViolations, type Revalidation,
} from '../domain/config/compatibility.js';
import { createEntityValidator } from '../domain/records/entity-validator.js';

export interface CompatibilityReport {
  compatible: boolean;
  issues: CompatibilityIssue[];
}

export interface CompatibilityOptions {
  /** Records validated per entity whose schema changed; beyond it the issue says `sampled: true`. */
  sampleLimit?: number;
  batchSize?: number;
}

type Json = Record<string, unknown>;

const live = 'entity = ? and deleted_at is null';

/**
 * Which stored records `candidate` would break compared with `current`, counted in the database. Run it inside the
 * publishing transaction so that the counts match what is published (and see any backfill made in it).
 */
export async function checkCompatibility(
  em: EntityManager,
  current: Json | null,
  candidate: Json,
  options: CompatibilityOptions = {},
): Promise<CompatibilityReport> {
  const plan = compatibilityPlan(current, candidate);
  const issues: CompatibilityIssue[] = [];
  const coveredByEntity = new Map<string, Set<string>>();
  for (const check of plan.checks) {
    const records = await countProbe(em, check.entity, check.probe);
    if (records === 0) continue;
    issues.push({ entity: check.entity, path: check.path, code: check.code, message: `${check.message} (${records} records)`, records });
    const covered = coveredByEntity.get(check.entity) ?? new Set<string>();
    covered.add(topLevelField(check.path));
    coveredByEntity.set(check.entity, covered);
  }
  for (const revalidation of plan.revalidate) {
    const { violations, checked, total } = await validateStored(em, revalidation, options);
    issues.push(...summarizeViolations(revalidation, violations, coveredByEntity.get(revalidation.entity) ?? new Set(), checked, total > checked));
  }
  return { compatible: issues.length === 0, issues };
}

async function countProbe(em: EntityManager, entity: string, probe: RecordProbe): Promise<number> {
  let where = live;
  const params: unknown[] = [entity];
  switch (probe.kind) {
    case 'all':
      break;
    case 'missing':
      where += ' and not jsonb_exists(data, ?)';
      params.push(probe.field);
      break;
    case 'present':
      where += ' and jsonb_exists(data, ?)';
      params.push(probe.field);
      break;
    case 'valueIn':
      where += ' and exists (select 1 from jsonb_array_elements(?::jsonb) v where v = data -> ?)';
      params.push(JSON.stringify(probe.values), probe.field);
      break;
    case 'containsAny':
      where += ` and jsonb_typeof(data -> ?) = 'array'
        and exists (select 1 from jsonb_array_elements(?::jsonb) v where (data -> ?) @> jsonb_build_array(v))`;
      params.push(probe.field, JSON.stringify(probe.values), probe.field);
      break;
    case 'notIn':
      where += probe.multi
        ? ` and jsonb_typeof(data -> ?) = 'array' and exists (select 1 from jsonb_array_elements(data -> ?) x
              where not exists (select 1 from jsonb_array_elements(?::jsonb) v where v = x))`
        : ` and jsonb_typeof(data -> ?) is distinct from 'null' and jsonb_exists(data, ?)
              and not exists (select 1 from jsonb_array_elements(?::jsonb) v where v = data -> ?)`;
      params.push(probe.field, probe.field, JSON.stringify(probe.values), ...(probe.multi ? [] : [probe.field]));
      break;
  }
  const rows = await query<{ n: number }>(em, `select count(*)::int as n from records where ${where}`, params);
  return rows[0]?.n ?? 0;
}

/** Validates up to `sampleLimit` stored records (in id order, i.e. a random sample) against the new schema. */
async function validateStored(em: EntityManager, revalidation: Revalidation, options: CompatibilityOptions) {
  const sampleLimit = options.sampleLimit ?? 10_000;
  const batchSize = Math.min(options.batchSize ?? 500, sampleLimit);
  const [{ n: total }] = await query<{ n: number }>(em, `select count(*)::int as n from records where ${live}`, [revalidation.entity]);
  const validate = createEntityValidator(revalidation.schema);
  const violations: RecordViolations[] = [];
  let checked = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  while (checked < Math.min(total, sampleLimit)) {
    const rows = await query<{ id: string; data: Json }>(em,
      `select id, data from records where ${live} and id > ? order by id limit ?`,
      [revalidation.entity, after, Math.min(batchSize, sampleLimit - checked)]);
    if (rows.length === 0) break;
    for (const row of rows) {
      const details = validate(structuredClone(row.data));
      if (details.length) violations.push({ recordId: row.id, details });
    }
    checked += rows.length;
    after = rows[rows.length - 1].id;
  }
  return { violations, checked, total };
}

export async function query<T>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  return em.getConnection().execute<T[]>(sql, params, 'all', em.getTransactionContext());
}
