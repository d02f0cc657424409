import { evaluate } from '../cel.js';
import { joinPointer, type ErrorDetail } from '../errors.js';

/** The runtime meaning of an entity's `x-*` field annotations and entity-level options. */
export interface EntityFeatures {
  unique: string[];
  computed: { field: string; expression: string }[];
  picklists: { field: string; name: string; values: string[]; multi: boolean }[];
  references: { field: string; entity: string }[];
  users: string[];
  numbering: { field: string; pattern: string } | null;
  indexes: string[];
  reviewRequired: boolean;
  titleField: string | null;
  /** Top-level `type: integer` fields: CEL sees them as int (BigInt), so `record.qty * 2` type-checks. */
  integers: string[];
}

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function picklistValues(bundle: Obj, name: string): string[] {
  const picklists = isObj(bundle.picklists) ? bundle.picklists : {};
  const list = Object.hasOwn(picklists, name) ? picklists[name] : undefined;
  if (!isObj(list) || !Array.isArray(list.values)) return [];
  return list.values.filter(isObj).map((v) => v.value).filter((v): v is string => typeof v === 'string');
}

/** Reads the features of `definition` (an entity of `bundle`); unknown or malformed annotations are ignored. */
export function entityFeatures(bundle: Obj, definition: Obj): EntityFeatures {
  const schema = isObj(definition.schema) ? definition.schema : {};
  const properties = isObj(schema.properties) ? schema.properties : {};
  const features: EntityFeatures = {
    unique: [], computed: [], picklists: [], references: [], users: [], numbering: null, indexes: [], reviewRequired: false,
    titleField: typeof definition.titleField === 'string' ? definition.titleField : null, integers: [],
  };
  for (const [field, node] of Object.entries(properties)) {
    if (!isObj(node)) continue;
    const xType = node['x-type'];
    if (node['x-unique'] === true) features.unique.push(field);
    if (node.type === 'integer') features.integers.push(field);
    if (typeof node['x-computed'] === 'string') features.computed.push({ field, expression: node['x-computed'] });
    if ((xType === 'picklist' || xType === 'multiselect') && typeof node['x-picklist'] === 'string') {
      features.picklists.push({ field, name: node['x-picklist'], values: picklistValues(bundle, node['x-picklist']), multi: xType === 'multiselect' });
    }
    if (xType === 'reference' && typeof node['x-ref'] === 'string') features.references.push({ field, entity: node['x-ref'] });
    if (xType === 'user') features.users.push(field);
  }
  const numbering = definition.numbering;
  if (isObj(numbering) && typeof numbering.field === 'string' && typeof numbering.pattern === 'string') {
    features.numbering = { field: numbering.field, pattern: numbering.pattern };
  }
  if (Array.isArray(definition.indexes)) features.indexes = definition.indexes.filter((i): i is string => typeof i === 'string');
  features.reviewRequired = isObj(definition.review) && definition.review.required === true;
  return features;
}

/** Picklist and multiselect values must be among the picklist's values. */
export function checkPicklists(data: Obj, features: EntityFeatures, pathPrefix: string): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const { field, name, values, multi } of features.picklists) {
    const value = data[field];
    if (value === undefined || value === null) continue;
    const items = multi && Array.isArray(value) ? value.map((v, i) => [v, joinPointer(pathPrefix, field, i)] as const) : [[value, joinPointer(pathPrefix, field)] as const];
    for (const [item, path] of items) {
      if (typeof item !== 'string' || !values.includes(item)) {
        details.push({ path, message: `${JSON.stringify(item)} is not a value of picklist "${name}"`, code: 'NOT_IN_PICKLIST' });
      }
    }
  }
  return details;
}

/**
 * Sets every `x-computed` field from its CEL expression over the record, in declaration order (later expressions
 * see earlier results). Integers come back as numbers; a failed expression is reported at the field.
 */
export function applyComputed(data: Obj, features: EntityFeatures, pathPrefix: string): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const { field, expression } of features.computed) {
    const record: Obj = { ...data };
    for (const name of features.integers) {
      if (Number.isSafeInteger(record[name])) record[name] = BigInt(record[name] as number);
    }
    try {
      const value = evaluate(expression, { record });
      if (value === undefined || value === null) delete data[field];
      else data[field] = value;
    } catch (error) {
      details.push({ path: joinPointer(pathPrefix, field), message: `could not compute ${field}: ${String((error as Error).message).split('\n')[0]}`, code: 'COMPUTE_FAILED' });
    }
  }
  return details;
}

export interface DateParts {
  year: number;
  month: number;
  day: number;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function fillDate(pattern: string, date: DateParts): string {
  return pattern
    .replace(/\{yyyy\}/g, pad(date.year, 4))
    .replace(/\{yy\}/g, pad(date.year % 100, 2))
    .replace(/\{mm\}/g, pad(date.month, 2))
    .replace(/\{dd\}/g, pad(date.day, 2));
}

/** The UTC calendar date of an instant: the date a number's pattern is filled with. */
export function utcDateParts(now: Date): DateParts {
  return { year: now.getUTCFullYear(), month: now.getUTCMonth() + 1, day: now.getUTCDate() };
}

/** The counter a number draws from: the pattern with its date tokens filled, so `{yyyy}` restarts every year. */
export function numberingScope(pattern: string, date: DateParts): string {
  return fillDate(pattern, date);
}

/** `Q-{yyyy}-{seq:6}` on 2026-03-05 with seq 42 -> `Q-2026-000042`. `{seq}` without a width is not padded. */
export function formatNumber(pattern: string, date: DateParts, seq: number | bigint): string {
  return fillDate(pattern, date).replace(/\{seq(?::(\d+))?\}/g, (_m, width?: string) => pad(Number(seq), width ? Number(width) : 0));
}
