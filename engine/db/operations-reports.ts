import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../domain/errors.js';
import { fieldExpression, resolvePath } from '../domain/query/fields.js';
import { querySql, SqlParams } from './pipeline-sql.js';
import { currentConfig, entityContext } from './record-write.js';
import { READ_STALENESS_MS } from './config-store.js';

/** Reports over tasks, process runs and receivables (not tied to a pipeline); docs/pipelines.md, decision 0082. */
export const operationsReports = ['sla-breaches', 'approval-cycle-time', 'receivables-ageing'] as const;
export type OperationsReport = (typeof operationsReports)[number];

export interface OperationsReportOptions {
  /** sla-breaches, approval-cycle-time: only this process. */
  process?: string;
  /** Tasks created / runs started at or after, before these instants. */
  since?: string;
  until?: string;
  /** receivables-ageing: the entity and its fields (defaults: the starter pack's receivable). */
  entity?: string;
  amountField?: string;
  paidField?: string;
  dueField?: string;
  /** receivables-ageing: the day the ages are counted to (default today, UTC). */
  asOf?: string;
}

type Row = Record<string, unknown>;

function instant(value: string | undefined, name: string): string | null {
  if (value === undefined) return null;
  if (Number.isNaN(Date.parse(value))) throw new DomainError('VALIDATION_FAILED', `${name} is not a date`, [{ path: `/query/${name}`, message: 'use an ISO 8601 date or date-time' }]);
  return new Date(value).toISOString();
}

/** ` and <column> in [since, until)`, and the process when one is named. */
function scope(column: string, processColumn: string, options: OperationsReportOptions, params: SqlParams): string {
  const since = instant(options.since, 'since');
  const until = instant(options.until, 'until');
  return (since ? ` and ${column} >= ${params.add(since)}::timestamptz` : '')
    + (until ? ` and ${column} < ${params.add(until)}::timestamptz` : '')
    + (options.process ? ` and ${processColumn} = ${params.add(options.process)}` : '');
}

/**
 * Tasks with a due time, per process and step: how many, how many breached it (decided after it, or still open past
 * it), of those how many are still open, and the breach rate. Cancelled tasks count only if they were already late.
 */
async function slaBreaches(em: EntityManager, options: OperationsReportOptions): Promise<Row[]> {
  const params = new SqlParams();
  const late = `(coalesce(t.completed_at, now()) > t.due_at)`;
  const sql = `select t.process, t.step_id as step, count(*)::int as total,
      count(*) filter (where ${late})::int as breached,
      count(*) filter (where ${late} and t.status in ('open', 'claimed'))::int as "openBreached",
      (count(*) filter (where ${late})::float8 / count(*))::float8 as "breachRate"
    from tasks t
    where t.due_at is not null and (t.status <> 'cancelled' or ${late})${scope('t.created_at', 't.process', options, params)}
    group by 1, 2 order by 4 desc, 1, 2`;
  return querySql<Row>(em, sql, params);
}

/** Ended runs that held an approval, per process: how many, and hours from start to end (average, p90, max). */
async function approvalCycleTime(em: EntityManager, options: OperationsReportOptions): Promise<Row[]> {
  const params = new SqlParams();
  const hours = `(extract(epoch from (p.ended_at - p.started_at)) / 3600)`;
  const sql = `select p.process, count(*)::int as runs, avg(${hours})::float8 as "averageHours",
      percentile_cont(0.9) within group (order by ${hours})::float8 as "p90Hours", max(${hours})::float8 as "maxHours"
    from process_instances p
    where p.ended_at is not null and exists (select 1 from tasks t where t.process_id = p.id and t.kind = 'approval')${scope('p.started_at', 'p.process', options, params)}
    group by 1 order by 1`;
  return querySql<Row>(em, sql, params);
}

export const ageingBuckets = ['current', '1-30', '31-60', '61-90', '90+'] as const;

/** A field the ageing reads must exist on the entity; a money field is read through its `amount`. */
function fieldSql(catalog: Parameters<typeof resolvePath>[0], field: string, name: string, kind: 'number' | 'text'): string {
  const info = resolvePath(catalog, [field]);
  if (!info) throw new DomainError('VALIDATION_FAILED', `the entity has no field "${field}"`, [{ path: `/query/${name}`, message: 'unknown field' }]);
  return kind === 'number' && info.kind === 'object' && info.properties?.amount ? fieldExpression([field, 'amount'], 'number') : fieldExpression([field], kind);
}

/** Outstanding amounts (amount - paid > 0) of live records by days past their due date, in fixed buckets. */
async function receivablesAgeing(em: EntityManager, options: OperationsReportOptions): Promise<Row[]> {
  const config = await currentConfig(em, READ_STALENESS_MS);
  const entity = options.entity ?? 'receivable';
  if (!Object.hasOwn(config.bundle.entities ?? {}, entity)) throw new DomainError('NOT_FOUND', `entity "${entity}" does not exist`, [{ path: '/query/entity', message: 'unknown entity' }]);
  const { catalog } = entityContext(config, entity);
  const amount = fieldSql(catalog, options.amountField ?? 'amount', 'amountField', 'number');
  const paid = fieldSql(catalog, options.paidField ?? 'paidAmount', 'paidField', 'number');
  const due = fieldSql(catalog, options.dueField ?? 'dueDate', 'dueField', 'text');
  const asOf = instant(options.asOf, 'asOf') ?? new Date().toISOString();
  const params = new SqlParams();
  const days = `(${params.add(asOf.slice(0, 10))}::date - left(${due}, 10)::date)`;
  const bucket = `case when ${days} <= 0 then 'current' when ${days} <= 30 then '1-30' when ${days} <= 60 then '31-60' when ${days} <= 90 then '61-90' else '90+' end`;
  const outstanding = `(coalesce(${amount}, 0) - coalesce(${paid}, 0))`;
  const sql = `select ${bucket} as bucket, count(*)::int as count, sum(${outstanding})::float8 as outstanding
    from records where entity = ${params.add(entity)} and deleted_at is null and ${due} is not null and ${outstanding} > 0
    group by 1`;
  const byBucket = new Map((await querySql<Row & { bucket: string }>(em, sql, params)).map((r) => [r.bucket, r]));
  return ageingBuckets.map((b) => byBucket.get(b) ?? { bucket: b, count: 0, outstanding: 0 });
}

const runners: Record<OperationsReport, (em: EntityManager, options: OperationsReportOptions) => Promise<Row[]>> = {
  'sla-breaches': slaBreaches, 'approval-cycle-time': approvalCycleTime, 'receivables-ageing': receivablesAgeing,
};

export async function operationsReport(em: EntityManager, report: OperationsReport, options: OperationsReportOptions): Promise<{ rows: Row[]; generatedAt: string }> {
  return { rows: await runners[report](em, options), generatedAt: new Date().toISOString() };
}
