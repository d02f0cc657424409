import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../domain/errors.js';
import { translateFilter } from '../domain/query/filter.js';
import { isSeekValue, orderBy, parseSort, seekCondition, type SeekPosition, type SortSpec } from '../domain/query/sort.js';
import { SqlParams } from '../domain/query/sql-params.js';
import { reviewStates, type ReviewState } from '../domain/records/review.js';
import type { FieldCatalog } from '../domain/query/fields.js';
import { runSql, sqlState } from './record-sql.js';

export interface ListOptions {
  filter?: string;
  sort?: string;
  limit: number;
  cursor?: string;
  total?: boolean;
  /** Maker-checker state to match; only for entities that require review. */
  review?: string;
  /** The caller's record scope and hidden fields (engine/api/policy); absent: every record, every field. */
  access?: ListAccess;
}

export interface ListAccess {
  /** A SQL condition on the `records` row; `add` binds a parameter and answers its placeholder. */
  condition: (add: (value: unknown) => string) => string;
  /** Fields the caller may not see: not returned, and unknown to filters and sorts. */
  hidden: readonly string[];
  /** The scope reaches every record of the entity: totals kept for the whole table (stage_totals) answer for it. */
  everyRecord?: boolean;
}

export interface RecordRow {
  id: string;
  entity: string;
  data: Record<string, unknown>;
  version: number;
  /** ISO 8601 text (the driver's date parsing is MikroORM's, so the SQL formats them). */
  created_at: string;
  updated_at: string;
  created_by: string;
  updated_by: string;
  review: ReviewState | null;
  sort_key?: string | null;
}

export interface ListTarget {
  entity: string;
  catalog: FieldCatalog;
  reviewRequired: boolean;
}

export const recordColumns = `id, entity, data, version, to_json(created_at)#>>'{}' as created_at, to_json(updated_at)#>>'{}' as updated_at, `
  + 'created_by, updated_by, review';

function cursorError(): DomainError {
  return new DomainError('VALIDATION_FAILED', 'the cursor is not valid', [{ path: '/query/cursor', message: 'use nextCursor from a previous page with the same sort' }]);
}

export function encodeCursor(spec: SortSpec, position: SeekPosition): string {
  return Buffer.from(JSON.stringify({ s: spec.key, v: position.value, id: position.id })).toString('base64url');
}

export function decodeCursor(spec: SortSpec, cursor: string): SeekPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    throw cursorError();
  }
  const { s, v, id } = (parsed && typeof parsed === 'object' ? parsed : {}) as { s?: unknown; v?: unknown; id?: unknown };
  if (s !== spec.key || typeof id !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) || !isSeekValue(spec, v)) {
    throw cursorError();
  }
  return { value: v, id };
}

const translated = new Map<string, { sql: string; params: unknown[] }>();
const catalogs = new Map<string, ListTarget['catalog']>();

/**
 * Translations are pure functions of (catalog, filter), so they are memoised (bounded) per catalog and filter; the
 * placeholders are renumbered after the entity's `$1`.
 */
function cachedFilter(target: ListTarget, filter: string, params: SqlParams): string {
  const key = `${target.entity}\u0000${filter}`;
  let hit = translated.get(key);
  if (!hit || catalogs.get(key) !== target.catalog) {
    const local = new SqlParams();
    local.add(null);
    hit = translateFilter(filter, target.catalog, local);
    if (translated.size >= 1000) {
      translated.clear();
      catalogs.clear();
    }
    translated.set(key, hit);
    catalogs.set(key, target.catalog);
  }
  if (params.values.length !== 1) throw new Error('the filter must follow the entity parameter');
  for (const value of hit.params.slice(1)) params.add(value);
  return hit.sql;
}

/** The WHERE clause shared by pages and counts: live rows of the entity, the filter and the review state. */
function conditions(target: ListTarget, options: ListOptions, params: SqlParams): string[] {
  const where = [`entity = ${params.add(target.entity)}`, 'deleted_at is null'];
  if (options.filter && options.filter.trim()) where.push(cachedFilter(target, options.filter, params));
  if (options.review !== undefined) {
    if (!target.reviewRequired) {
      throw new DomainError('VALIDATION_FAILED', `${target.entity} records are not reviewed`, [{ path: '/query/review', message: 'this entity does not require review' }]);
    }
    if (!(reviewStates as readonly string[]).includes(options.review)) {
      throw new DomainError('VALIDATION_FAILED', 'unknown review state', [{ path: '/query/review', message: `use one of ${reviewStates.join(', ')}` }]);
    }
    where.push(`review->>'state' = ${params.add(options.review)}`);
  }
  if (options.access) where.push(options.access.condition((value) => params.add(value)));
  return where;
}

/** The page query: parameterised, ordered by the sort then id, one row more than the limit to detect a next page. */
export function buildListQuery(target: ListTarget, options: ListOptions): { sql: string; params: unknown[]; spec: SortSpec } {
  const spec = parseSort(options.sort, target.catalog);
  const params = new SqlParams();
  const where = conditions(target, options, params);
  if (options.cursor) where.push(seekCondition(spec, decodeCursor(spec, options.cursor), params));
  const sql = `select ${recordColumns}, (${spec.expression})::text as sort_key from records where ${where.join(' and ')} `
    + `order by ${orderBy(spec)} limit ${params.add(options.limit + 1)}`;
  return { sql, params: params.values, spec };
}

export function buildCountQuery(target: ListTarget, options: ListOptions): { sql: string; params: unknown[] } {
  const params = new SqlParams();
  const where = conditions(target, options, params);
  return { sql: `select count(*)::text as total from records where ${where.join(' and ')}`, params: params.values };
}

export async function listRows(em: EntityManager, target: ListTarget, options: ListOptions): Promise<{ rows: RecordRow[]; nextCursor: string | null; total?: number }> {
  const query = buildListQuery(target, options);
  const rows = await outOfRangeAs422(runSql<RecordRow>(em, query.sql, query.params));
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > options.limit && last ? encodeCursor(query.spec, { value: last.sort_key ?? null, id: last.id }) : null;
  if (!options.total) return { rows: page, nextCursor };
  const count = buildCountQuery(target, options);
  const [{ total }] = await outOfRangeAs422(runSql<{ total: string }>(em, count.sql, count.params));
  return { rows: page, nextCursor, total: Number(total) };
}

/** A value PostgreSQL cannot take (SQLSTATE class 22, e.g. 30 February in a cursor) is the caller's error. */
async function outOfRangeAs422<T>(query: Promise<T>): Promise<T> {
  try {
    return await query;
  } catch (error) {
    if (sqlState(error)?.startsWith('22')) {
      throw new DomainError('VALIDATION_FAILED', 'the query holds a value PostgreSQL cannot use', [{ path: '/query', message: 'a value in the filter or cursor is out of range' }]);
    }
    throw error;
  }
}

const visibleCatalogs = new WeakMap<FieldCatalog, Map<string, FieldCatalog>>();

/** The catalog without hidden fields, so that a filter or sort on one is refused as an unknown field (memoised). */
export function visibleCatalog(catalog: FieldCatalog, hidden: readonly string[]): FieldCatalog {
  if (!hidden.length) return catalog;
  const key = [...hidden].sort().join('\u0000');
  let byKey = visibleCatalogs.get(catalog);
  if (!byKey) visibleCatalogs.set(catalog, byKey = new Map());
  let visible = byKey.get(key);
  if (!visible) {
    visible = Object.fromEntries(Object.entries(catalog).filter(([field]) => !hidden.includes(field)));
    byKey.set(key, visible);
  }
  return visible;
}
