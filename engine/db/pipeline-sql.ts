import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../domain/errors.js';
import type { Pipeline } from '../domain/config/types.js';
import { pipelineFields, pipelinesOf, type PipelineFields } from '../domain/pipeline/index.js';
import { fieldExpression, resolvePath } from '../domain/query/fields.js';
import { translateFilter } from '../domain/query/filter.js';
import { SqlParams } from '../domain/query/sql-params.js';
import { currentConfig, entityContext, type EntityContext } from './record-write.js';
import { READ_STALENESS_MS } from './config-store.js';
import { runSql, sqlState } from './record-sql.js';
import { visibleCatalog, type ListAccess } from './record-list.js';

/** What the board and the reports of one pipeline need: its entity, fields and the SQL expressions reading them. */
export interface PipelineQuery {
  name: string;
  pipeline: Pipeline;
  ctx: EntityContext;
  fields: PipelineFields;
  /** The amount as numeric: a number field, or the `amount` of a money object. */
  amountSql: string;
  ownerSql: string;
  closeDateSql: string;
  /** The caller's record scope and hidden fields: boards and reports count and show only records in scope. */
  access?: ListAccess;
}

export async function pipelineQuery(em: EntityManager, name: string, access?: ListAccess): Promise<PipelineQuery> {
  const config = await currentConfig(em, READ_STALENESS_MS);
  const pipelines = (config.bundle.pipelines ?? {}) as Record<string, Pipeline>;
  const pipeline = Object.hasOwn(pipelines, name) ? pipelines[name] : undefined;
  if (!pipeline || !pipelinesOf({ pipelines }, pipeline.entity).length) throw new DomainError('NOT_FOUND', `pipeline "${name}" does not exist`, [{ path: '/params/name', message: 'unknown pipeline' }]);
  const ctx = entityContext(config, pipeline.entity);
  const fields = pipelineFields(pipeline);
  const amount = resolvePath(ctx.catalog, [fields.amount]);
  const amountSql = amount?.kind === 'object' && amount.properties?.amount ? fieldExpression([fields.amount, 'amount'], 'number') : fieldExpression([fields.amount], 'number');
  return {
    name, pipeline, ctx, fields, amountSql,
    ownerSql: fieldExpression([fields.owner], 'text'), closeDateSql: fieldExpression([fields.closeDate], 'text'), access,
  };
}

/** Whether the query counts every record of the pipeline: no scope, or one that reaches them all. */
export function wholeTable(query: PipelineQuery): boolean {
  return !query.access || query.access.everyRecord === true;
}

/** `and <filter>` over records.data for a CEL records filter (hidden fields unknown to it), and the caller's scope. */
export function filterSql(query: PipelineQuery, filter: string | undefined, params: SqlParams): string {
  const catalog = visibleCatalog(query.ctx.catalog, query.access?.hidden ?? []);
  const translated = filter ? ` and (${translateFilter(filter, catalog, params).sql})` : '';
  return query.access ? `${translated} and ${query.access.condition((value) => params.add(value))}` : translated;
}

/**
 * The stays of the pipeline (alias `s`) as FROM and WHERE: only the live records' stays, and only joined to the
 * records when a CEL filter needs their data (counts and sums read the stays alone).
 */
export function staysOf(query: PipelineQuery, params: SqlParams, filter?: string): { from: string; where: string } {
  const where = `s.pipeline = ${params.add(query.name)} and not s.record_deleted`;
  if (!filter && !query.access) return { from: 'stage_stays s', where };
  return {
    from: 'stage_stays s join records on records.id = s.record_id',
    where: `${where} and records.entity = ${params.add(query.ctx.entity)} and records.deleted_at is null${filterSql(query, filter, params)}`,
  };
}

/** Runs a report or board query; a value PostgreSQL cannot take (a bad date) is the caller's 422. */
export async function querySql<T>(em: EntityManager, sql: string, params: SqlParams): Promise<T[]> {
  try {
    return await runSql<T>(em, sql, params.values);
  } catch (error) {
    if (sqlState(error)?.startsWith('22')) {
      throw new DomainError('VALIDATION_FAILED', 'the query holds a value PostgreSQL cannot use', [{ path: '/query', message: 'a value in the filter, cursor or dates is out of range' }]);
    }
    throw error;
  }
}

export { SqlParams };
