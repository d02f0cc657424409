import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../domain/errors.js';
import { isClosed } from '../domain/pipeline/index.js';
import { openStays, stageTotals } from './pipeline-board.js';
import { pipelineQuery, querySql, SqlParams, staysOf, wholeTable, type PipelineQuery } from './pipeline-sql.js';
import type { ListAccess } from './record-list.js';

export const pipelineReports = ['funnel', 'forecast', 'conversion', 'stage-duration', 'win-rate', 'lost-reasons'] as const;
export type PipelineReport = (typeof pipelineReports)[number];

export interface ReportOptions {
  pipeline: string;
  filter?: string;
  /** Stays entered at or after / before these instants (ISO 8601 date or date-time). */
  since?: string;
  until?: string;
  locale?: string;
}

type Row = Record<string, unknown>;

function instant(value: string | undefined, name: string): string | null {
  if (value === undefined) return null;
  if (Number.isNaN(Date.parse(value))) throw new DomainError('VALIDATION_FAILED', `${name} is not a date`, [{ path: `/query/${name}`, message: 'use an ISO 8601 date or date-time' }]);
  return new Date(value).toISOString();
}

/** ` and <column> in [since, until)` for the stays' entry time. */
function period(column: string, options: ReportOptions, params: SqlParams): string {
  const since = instant(options.since, 'since');
  const until = instant(options.until, 'until');
  return (since ? ` and ${column} >= ${params.add(since)}::timestamptz` : '') + (until ? ` and ${column} < ${params.add(until)}::timestamptz` : '');
}

const stageIds = (q: PipelineQuery, which: (category: string) => boolean) => q.pipeline.stages.filter((s) => which(s.category ?? 'open')).map((s) => s.id);

/** The SQL of the funnel's `reached`: distinct records that ever entered each stage (in the period). */
export function funnelReachedQuery(q: PipelineQuery, options: ReportOptions): { sql: string; params: SqlParams } {
  const params = new SqlParams();
  if (!options.filter && options.since === undefined && options.until === undefined && wholeTable(q)) {
    // the totals the stage history's triggers keep (migration 0044)
    return { sql: `select stage, sum(reached)::int as reached from stage_totals where pipeline = ${params.add(q.name)} group by stage`, params };
  }
  const { from, where } = staysOf(q, params, options.filter);
  const sql = `select s.stage, count(*)::int as reached from ${from}
    where ${where} and s.first_entry${period('s.entered_at', options, params)}
    group by s.stage`;
  return { sql, params };
}

/** Per stage in pipeline order: the deals in it now (count, amount, weighted) and how many ever reached it. */
async function funnel(em: EntityManager, q: PipelineQuery, options: ReportOptions): Promise<Row[]> {
  const reachedQuery = funnelReachedQuery(q, options);
  const [totals, reached] = await Promise.all([stageTotals(em, q, options.filter), querySql<{ stage: string; reached: number }>(em, reachedQuery.sql, reachedQuery.params)]);
  const reachedBy = new Map(reached.map((r) => [r.stage, r.reached]));
  return q.pipeline.stages.map((stage) => ({
    stage: stage.id, label: label(stage, options), category: stage.category ?? 'open', probability: stage.probability ?? 0,
    ...(totals.get(stage.id) ?? { count: 0, amount: 0, weightedAmount: 0 }), reached: reachedBy.get(stage.id) ?? 0,
  }));
}

/** Open deals by expected close month and owner: count, amount, amount x the probability of their current stage. */
async function forecast(em: EntityManager, q: PipelineQuery, options: ReportOptions): Promise<Row[]> {
  const params = new SqlParams();
  const open = q.pipeline.stages.filter((s) => !isClosed(s));
  const since = instant(options.since, 'since');
  const until = instant(options.until, 'until');
  const month = `left(${q.closeDateSql}, 7)`;
  const sql = `select ${month} as month, ${q.ownerSql} as owner, count(*)::int as count, coalesce(sum(${q.amountSql}), 0)::float8 as amount,
      coalesce(sum(${q.amountSql} * p.probability / 100), 0)::float8 as "weightedAmount"
    from ${openStays(q, params, options.filter)}
    join unnest(${params.add(open.map((s) => s.id))}::text[], ${params.add(open.map((s) => s.probability ?? 0))}::numeric[]) as p(stage, probability) on p.stage = b.stay_stage
    where true${since ? ` and ${q.closeDateSql} >= ${params.add(since.slice(0, 10))}` : ''}${until ? ` and ${q.closeDateSql} < ${params.add(until.slice(0, 10))}` : ''}
    group by 1, 2 order by 1 nulls last, 2 nulls last`;
  return querySql<Row>(em, sql, params);
}

/** Moves between stages (stays entered in the period): count, and the share of the moves out of `from`. */
async function conversion(em: EntityManager, q: PipelineQuery, options: ReportOptions): Promise<Row[]> {
  const params = new SqlParams();
  const { from, where } = staysOf(q, params, options.filter);
  const sql = `select s.from_stage as "from", s.stage as "to", count(*)::int as count,
      (count(*)::float8 / sum(count(*)) over (partition by s.from_stage))::float8 as rate
    from ${from} where ${where} and s.from_stage is not null${period('s.entered_at', options, params)}
    group by s.from_stage, s.stage`;
  const order = new Map(q.pipeline.stages.map((s, i) => [s.id, i]));
  const rank = (id: unknown) => order.get(String(id)) ?? order.size;
  return (await querySql<Row>(em, sql, params)).sort((a, b) => rank(a.from) - rank(b.from) || rank(a.to) - rank(b.to));
}

/** Days in each stage over the stays that ended (entered in the period): stays, average, 90th percentile. */
async function stageDuration(em: EntityManager, q: PipelineQuery, options: ReportOptions): Promise<Row[]> {
  const params = new SqlParams();
  const days = `(extract(epoch from (s.left_at - s.entered_at)) / 86400)`;
  const { from, where } = staysOf(q, params, options.filter);
  const sql = `select s.stage, count(*)::int as stays, avg(${days})::float8 as "averageDays",
      percentile_cont(0.9) within group (order by ${days})::float8 as "p90Days"
    from ${from} where ${where} and s.left_at is not null${period('s.entered_at', options, params)}
    group by s.stage`;
  const byStage = new Map((await querySql<Row & { stage: string }>(em, sql, params)).map((r) => [r.stage, r]));
  return q.pipeline.stages.filter((s) => !isClosed(s)).map((s) => byStage.get(s.id) ?? { stage: s.id, stays: 0, averageDays: null, p90Days: null });
}

/** Deals closed in the period (their current stay is won or lost, entered in it), per owner: won, lost, win rate. */
async function winRate(em: EntityManager, q: PipelineQuery, options: ReportOptions): Promise<Row[]> {
  const params = new SqlParams();
  const won = params.add(stageIds(q, (c) => c === 'won'));
  const sql = `select ${q.ownerSql} as owner, count(*) filter (where b.stay_stage = any(${won}::text[]))::int as won,
      count(*) filter (where b.stay_stage <> all(${won}::text[]))::int as lost,
      coalesce(sum(${q.amountSql}) filter (where b.stay_stage = any(${won}::text[])), 0)::float8 as "wonAmount"
    from ${openStays(q, params, options.filter, ` and s.stage = any(${params.add(stageIds(q, (c) => c !== 'open'))}::text[])${period('s.entered_at', options, params)}`)}
    group by 1 order by 1 nulls last`;
  const rows = await querySql<{ owner: string | null; won: number; lost: number; wonAmount: number }>(em, sql, params);
  const total = rows.reduce((t, r) => ({ won: t.won + r.won, lost: t.lost + r.lost, wonAmount: t.wonAmount + r.wonAmount }), { won: 0, lost: 0, wonAmount: 0 });
  const rate = (r: { won: number; lost: number }) => (r.won + r.lost ? r.won / (r.won + r.lost) : null);
  return [...rows.map((r) => ({ ...r, winRate: rate(r) })), { owner: '*', ...total, winRate: rate(total) }];
}

/** Deals lost in the period by their lost reason: count and amount. */
async function lostReasons(em: EntityManager, q: PipelineQuery, options: ReportOptions): Promise<Row[]> {
  if (!q.fields.lostReason) throw new DomainError('VALIDATION_FAILED', `pipeline "${q.name}" has no lost reason field`, [{ path: '/query/pipeline', message: 'set reasons.lost' }]);
  const params = new SqlParams();
  const reason = `(b.data->>${params.add(q.fields.lostReason)})`;
  const sql = `select ${reason} as reason, count(*)::int as count, coalesce(sum(${q.amountSql}), 0)::float8 as amount
    from ${openStays(q, params, options.filter, ` and s.stage = any(${params.add(stageIds(q, (c) => c === 'lost'))}::text[])${period('s.entered_at', options, params)}`)}
    group by 1 order by 2 desc, 1`;
  return querySql<Row>(em, sql, params);
}

function label(stage: { id: string; label?: Record<string, string | undefined> }, options: ReportOptions): string {
  return stage.label?.[options.locale ?? 'en'] ?? stage.label?.en ?? stage.id;
}

const runners: Record<PipelineReport, (em: EntityManager, q: PipelineQuery, options: ReportOptions) => Promise<Row[]>> = {
  funnel, forecast, conversion, 'stage-duration': stageDuration, 'win-rate': winRate, 'lost-reasons': lostReasons,
};

/** GET /api/reports/:report for the pipeline reports: rows computed in SQL, never by loading records. */
export async function pipelineReport(em: EntityManager, report: PipelineReport, options: ReportOptions, access?: ListAccess): Promise<{ rows: Row[]; generatedAt: string }> {
  const q = await pipelineQuery(em, options.pipeline, access);
  return { rows: await runners[report](em, q, options), generatedAt: new Date().toISOString() };
}
