import { DomainError } from '../errors.js';
import { fieldExpression, resolvePath, type FieldCatalog } from './fields.js';
import type { SqlParams } from './sql-params.js';

/** How a list is ordered: one expression plus the record id as a stable tiebreak, both in the same direction. */
export interface SortSpec {
  /** The sort as requested, normalised (`-total`, `createdAt`); cursors remember it. */
  key: string;
  direction: 'asc' | 'desc';
  expression: string;
  /** The SQL type a cursor's text value is cast back to. */
  cast: 'text' | 'numeric' | 'timestamptz' | 'jsonb';
  /** Column expressions never hold NULL; data fields may. */
  nullable: boolean;
}

/** The position after the last row of a page: its sort value as text (null when the field is absent) and id. */
export interface SeekPosition {
  value: string | null;
  id: string;
}

const columns: Record<string, string> = { createdAt: 'created_at', updatedAt: 'updated_at' };

function sortError(message: string): DomainError {
  return new DomainError('VALIDATION_FAILED', `the sort is not usable: ${message}`, [{ path: '/query/sort', message }]);
}

/** Parses `field`, `-field`, `a.b` or `createdAt`/`updatedAt` (default `createdAt`) against the entity's fields. */
export function parseSort(sort: string | undefined, catalog: FieldCatalog): SortSpec {
  const raw = (sort ?? '').trim() || 'createdAt';
  const direction = raw.startsWith('-') ? 'desc' : 'asc';
  const name = raw.replace(/^[-+]/, '');
  if (Object.hasOwn(columns, name)) {
    return { key: `${direction === 'desc' ? '-' : ''}${name}`, direction, expression: columns[name], cast: 'timestamptz', nullable: false };
  }
  const path = name.split('.');
  const info = resolvePath(catalog, path);
  if (!info) throw sortError(`unknown field "${name}"`);
  const key = `${direction === 'desc' ? '-' : ''}${name}`;
  switch (info.kind) {
    case 'text': return { key, direction, expression: fieldExpression(path, 'text'), cast: 'text', nullable: true };
    case 'number': return { key, direction, expression: fieldExpression(path, 'number'), cast: 'numeric', nullable: true };
    case 'boolean': return { key, direction, expression: fieldExpression(path, 'boolean'), cast: 'jsonb', nullable: true };
    default: throw sortError(`"${name}" is ${info.kind === 'array' ? 'a list' : 'an object'} and cannot be sorted`);
  }
}

/** `order by` for the spec: PostgreSQL's default null placement (NULLS LAST ascending, FIRST descending). */
export function orderBy(spec: SortSpec, idColumn = 'id'): string {
  return `${spec.expression} ${spec.direction}, ${idColumn} ${spec.direction}`;
}

/**
 * The keyset condition for the rows after `after`. NULL sorts as the largest value (PostgreSQL's default), so
 * ascending lists end with the rows lacking the field and descending lists start with them.
 */
export function seekCondition(spec: SortSpec, after: SeekPosition, params: SqlParams, idColumn = 'id'): string {
  const id = `${params.add(after.id)}::uuid`;
  const cmp = spec.direction === 'asc' ? '>' : '<';
  const expr = spec.expression;
  if (after.value === null) {
    if (!spec.nullable) throw sortError('the cursor does not belong to this sort');
    return spec.direction === 'asc'
      ? `(${expr} is null and ${idColumn} > ${id})`
      : `((${expr} is null and ${idColumn} < ${id}) or ${expr} is not null)`;
  }
  const row = `(${expr}, ${idColumn}) ${cmp} (${params.add(after.value)}::${spec.cast}, ${id})`;
  return spec.direction === 'asc' && spec.nullable ? `(${row} or ${expr} is null)` : row;
}

/** Whether a cursor's sort value can be cast to the sort's SQL type (hostile cursors must not reach PostgreSQL). */
export function isSeekValue(spec: SortSpec, value: unknown): value is string | null {
  if (value === null) return spec.nullable;
  if (typeof value !== 'string' || value.length > 1000) return false;
  switch (spec.cast) {
    case 'numeric': return /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(value);
    case 'timestamptz': return /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[ T]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/.test(value);
    case 'jsonb': return value === 'true' || value === 'false';
    default: return !value.includes('\u0000');
  }
}
