import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../domain/errors.js';
import { recordColumns, type RecordRow } from './record-list.js';
import { toRecordDto, type RecordDto } from './records.js';
import type { ListAccess } from './record-list.js';
import { filterSql, pipelineQuery, querySql, SqlParams, staysOf, wholeTable, type PipelineQuery } from './pipeline-sql.js';

export interface BoardColumn {
  stage: string;
  label: string;
  category: string;
  probability: number;
  count: number;
  amount: number;
  weightedAmount: number;
  items: RecordDto[];
  nextCursor: string | null;
}

export interface BoardOptions {
  filter?: string;
  limit: number;
  /** Only this column (to page it with `cursor`). */
  stage?: string;
  cursor?: string;
  locale?: string;
  /** The caller's record scope and hidden fields (engine/api/policy). */
  access?: ListAccess;
}

/** A column is paged newest stay first: the cursor is the last item's (enteredAt, recordId). */
function decodeCursor(cursor: string): [string, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && /^[0-9a-f-]{36}$/i.test(id)) return [at, id];
  } catch { /* falls through */ }
  throw new DomainError('VALIDATION_FAILED', 'the cursor is not valid', [{ path: '/query/cursor', message: "use a column's nextCursor" }]);
}
const encodeCursor = (at: string, id: string) => Buffer.from(JSON.stringify([at, id])).toString('base64url');

/**
 * The open stays of the pipeline joined to their live records, as a derived table `b`: the record's columns plus
 * stay_stage and stay_entered_at (the rows of board columns and of the record-level reports). `extra` narrows the
 * stays (`s.`).
 */
export function openStays(query: PipelineQuery, params: SqlParams, filter?: string, extra = ''): string {
  return `(select s.stage as stay_stage, s.entered_at as stay_entered_at, records.* from stage_stays s join records on records.id = s.record_id
    where s.pipeline = ${params.add(query.name)} and s.left_at is null and not s.record_deleted${extra} and records.entity = ${params.add(query.ctx.entity)}
      and records.deleted_at is null${filterSql(query, filter, params)}) b`;
}

const probabilities = (query: PipelineQuery, params: SqlParams) => {
  const stages = query.pipeline.stages;
  return `unnest(${params.add(stages.map((x) => x.id))}::text[], ${params.add(stages.map((x) => x.probability ?? 0))}::numeric[]) as p(stage, probability)`;
};

/**
 * The SQL of the per-stage totals: count, amount and weighted amount (the probabilities are the pipeline's). Without
 * a filter, for a caller whose scope reaches every record, they are read from the totals the stage history's triggers
 * keep (migration 0044), else aggregated over the open stays of the records the filter and the scope select.
 */
export function stageTotalsQuery(query: PipelineQuery, filter?: string): { sql: string; params: SqlParams } {
  const params = new SqlParams();
  if (!filter && wholeTable(query)) {
    const sql = `select t.stage, sum(t.open_count)::int as count, sum(t.open_amount)::float8 as amount,
        (sum(t.open_amount) * p.probability / 100)::float8 as weighted
      from stage_totals t join ${probabilities(query, params)} on p.stage = t.stage
      where t.pipeline = ${params.add(query.name)}
      group by t.stage, p.probability`;
    return { sql, params };
  }
  const { from, where } = staysOf(query, params, filter);
  const sql = `select s.stage, count(*)::int as count, coalesce(sum(s.amount), 0)::float8 as amount,
      coalesce(sum(s.amount * p.probability / 100), 0)::float8 as weighted
    from ${from}
    join ${probabilities(query, params)} on p.stage = s.stage
    where ${where} and s.left_at is null
    group by s.stage`;
  return { sql, params };
}

export async function stageTotals(em: EntityManager, query: PipelineQuery, filter?: string): Promise<Map<string, { count: number; amount: number; weightedAmount: number }>> {
  const { sql, params } = stageTotalsQuery(query, filter);
  const rows = await querySql<{ stage: string; count: number; amount: number; weighted: number }>(em, sql, params);
  return new Map(rows.map((r) => [r.stage, { count: r.count, amount: r.amount, weightedAmount: r.weighted }]));
}

/** The SQL of the first `limit` + 1 records of each stage (or of one stage after `cursor`): one lateral join. */
export function columnItemsQuery(query: PipelineQuery, stages: string[], options: BoardOptions): { sql: string; params: SqlParams } {
  const params = new SqlParams();
  const seek = options.cursor ? decodeCursor(options.cursor) : null;
  const after = seek ? ` and (s.entered_at, s.record_id) < (${params.add(seek[0])}::timestamptz, ${params.add(seek[1])}::uuid)` : '';
  const sql = `select col.stage, x.* from unnest(${params.add(stages)}::text[]) as col(stage)
    cross join lateral (
      select ${recordColumns}, to_json(b.stay_entered_at)#>>'{}' as entered_at
      from ${openStays(query, params, options.filter, ` and s.stage = col.stage${after}`)}
      order by b.stay_entered_at desc, b.id desc limit ${params.add(options.limit + 1)}) x`;
  return { sql, params };
}

async function columnItems(em: EntityManager, query: PipelineQuery, stages: string[], options: BoardOptions): Promise<Map<string, { rows: RecordRow[]; next: string | null }>> {
  const { sql, params } = columnItemsQuery(query, stages, options);
  const rows = await querySql<RecordRow & { stage: string; entered_at: string }>(em, sql, params);
  const byStage = new Map<string, { rows: RecordRow[]; next: string | null }>(stages.map((s) => [s, { rows: [], next: null }]));
  for (const row of rows) byStage.get(row.stage)!.rows.push(row);
  for (const column of byStage.values()) {
    if (column.rows.length <= options.limit) continue;
    column.rows.length = options.limit;
    const last = column.rows.at(-1) as RecordRow & { entered_at: string };
    column.next = encodeCursor(last.entered_at, last.id);
  }
  return byStage;
}

/** GET /api/pipelines/:name/board. */
export async function pipelineBoard(em: EntityManager, name: string, options: BoardOptions): Promise<{ pipeline: string; entity: string; columns: BoardColumn[] }> {
  const query = await pipelineQuery(em, name, options.access);
  const all = query.pipeline.stages;
  if (options.stage && !all.some((s) => s.id === options.stage)) {
    throw new DomainError('VALIDATION_FAILED', `pipeline "${name}" has no stage "${options.stage}"`, [{ path: '/query/stage', message: 'unknown stage' }]);
  }
  if (options.cursor && !options.stage) throw new DomainError('VALIDATION_FAILED', 'a cursor pages one column: give its stage', [{ path: '/query/stage', message: 'required with cursor' }]);
  const stages = options.stage ? all.filter((s) => s.id === options.stage) : all;
  const [totals, items] = await Promise.all([stageTotals(em, query, options.filter), columnItems(em, query, stages.map((s) => s.id), options)]);
  const locale = options.locale ?? 'en';
  return {
    pipeline: name, entity: query.ctx.entity,
    columns: stages.map((stage) => {
      const total = totals.get(stage.id) ?? { count: 0, amount: 0, weightedAmount: 0 };
      const column = items.get(stage.id)!;
      return {
        stage: stage.id, label: stage.label?.[locale] ?? stage.label?.en ?? stage.id, category: stage.category ?? 'open', probability: stage.probability ?? 0,
        ...total, items: column.rows.map((r) => toRecordDto(r)), nextCursor: column.next,
      };
    }),
  };
}
