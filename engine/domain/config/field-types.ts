import { joinPointer } from '../errors.js';
import { celResultType, checkCelAgainstEntity } from './cel-check.js';
import { celTypeOfField } from './cel-types.js';
import { report, type BundleContext, type EntityInfo } from './context.js';
import { isObj, type Obj } from './json-reading.js';

/** The `x-type` values: what a field means to the UI and the records engine beyond its JSON type. */
export const fieldTypes = [
  'text', 'money', 'percent', 'email', 'phone', 'picklist', 'multiselect', 'reference', 'user', 'date', 'datetime',
] as const;
export type FieldType = (typeof fieldTypes)[number];

/** JSON types a unique constraint or an index can work with. */
export const scalarTypes = new Set(['string', 'number', 'integer', 'boolean']);

/** Types whose values the records engine looks up (in a picklist or another entity): top-level fields only. */
const linked = new Set<FieldType>(['picklist', 'multiselect', 'reference']);

/** A phone pattern must be anchored and the value bounded: at most this many characters. */
const maxPhoneLength = 64;

/** The shape each x-type implies; a message saying what is missing, or null. */
function shapeProblem(type: FieldType, s: Obj): string | null {
  const isString = s.type === 'string';
  switch (type) {
    case 'text':
    case 'user':
    case 'picklist':
      return isString ? null : `needs "type": "string"`;
    case 'money': {
      const p = isObj(s.properties) ? s.properties : {};
      const amount = isObj(p.amount) && (p.amount.type === 'number' || p.amount.type === 'integer');
      const currency = isObj(p.currency) && p.currency.type === 'string' && p.currency.pattern === '^[A-Z]{3}$';
      return s.type === 'object' && amount && currency
        ? null
        : 'needs an object with "amount" (number) and "currency" (string, pattern "^[A-Z]{3}$")';
    }
    case 'percent': {
      const number = s.type === 'number' || s.type === 'integer';
      const bounded = typeof s.minimum === 'number' && s.minimum >= 0 && typeof s.maximum === 'number' && s.maximum <= 100;
      return number && bounded ? null : 'needs a number with "minimum" >= 0 and "maximum" <= 100';
    }
    case 'email':
      return isString && s.format === 'email' ? null : 'needs "type": "string" and "format": "email"';
    case 'phone': {
      const anchored = typeof s.pattern === 'string' && s.pattern.startsWith('^') && s.pattern.endsWith('$');
      const bounded = typeof s.maxLength === 'number' && s.maxLength <= maxPhoneLength;
      return isString && anchored && bounded
        ? null
        : `needs "type": "string", a "pattern" anchored with ^ and $, and "maxLength" <= ${maxPhoneLength}`;
    }
    case 'multiselect':
      return s.type === 'array' && isObj(s.items) && s.items.type === 'string'
        ? null
        : 'needs "type": "array" with "items": {"type": "string"}';
    case 'reference':
      return isString && s.format === 'uuid' ? null : 'needs "type": "string" and "format": "uuid"';
    case 'date':
      return isString && s.format === 'date' ? null : 'needs "type": "string" and "format": "date"';
    case 'datetime':
      return isString && s.format === 'date-time' ? null : 'needs "type": "string" and "format": "date-time"';
  }
}

/** The field's x-type when it is a known one; `x-ref` and `x-picklist` need an explicit x-type (the records engine reads it). */
function effectiveType(s: Obj): { type: FieldType; keyword: string } | null {
  if (typeof s['x-type'] === 'string' && (fieldTypes as readonly string[]).includes(s['x-type'])) {
    return { type: s['x-type'] as FieldType, keyword: 'x-type' };
  }
  return null;
}

/** Checks the x-* annotations of every field of an entity, nested ones (object properties, array items) included. */
export function checkFieldTypes(ctx: BundleContext, entity: EntityInfo): void {
  const base = joinPointer('/entities', entity.name, 'schema', 'properties');
  for (const [name, schema] of Object.entries(entity.properties)) {
    checkField(ctx, entity, schema, joinPointer(base, name), name, 1);
  }
}

function checkField(ctx: BundleContext, entity: EntityInfo, s: unknown, path: string, top: string | null, depth: number): void {
  if (!isObj(s) || depth > 16) return;
  const bad = (keyword: string, message: string) => report(ctx, 'INVALID_FIELD_TYPE', joinPointer(path, keyword), message);
  if ('x-type' in s && !(fieldTypes as readonly unknown[]).includes(s['x-type'])) {
    bad('x-type', `unknown x-type ${JSON.stringify(s['x-type'])}; expected one of ${fieldTypes.join(', ')}`);
  }
  const effective = effectiveType(s);
  if (effective) {
    const problem = shapeProblem(effective.type, s);
    if (problem) bad(effective.keyword, `x-type "${effective.type}" ${problem}`);
    if (top !== null && effective.type === 'reference' && !('x-ref' in s)) bad('x-type', 'x-type "reference" needs "x-ref": <entity>');
    if (top !== null && linked.has(effective.type) && effective.type !== 'reference' && !('x-picklist' in s)) {
      bad('x-type', `x-type "${effective.type}" needs "x-picklist": <picklist>`);
    }
    if (top === null && linked.has(effective.type)) bad('x-type', `x-type "${effective.type}" is only allowed on top-level fields`);
  }
  // The records engine enforces references, picklists, uniqueness and computed values on top-level fields only.
  for (const keyword of ['x-ref', 'x-picklist', 'x-unique', 'x-computed']) {
    if (top === null && keyword in s) bad(keyword, `${keyword} is only allowed on top-level fields`);
  }
  if (top === null) return descend(ctx, entity, s, path, depth);
  if ('x-ref' in s) checkRef(ctx, s['x-ref'], effective?.type, joinPointer(path, 'x-ref'));
  if ('x-picklist' in s) checkPicklistRef(ctx, s['x-picklist'], effective?.type, joinPointer(path, 'x-picklist'));
  if ('x-unique' in s && s['x-unique'] !== false) {
    if (s['x-unique'] !== true) bad('x-unique', 'must be true or false');
    else if (!scalarTypes.has(String(s.type))) bad('x-unique', 'only string, number, integer or boolean fields can be unique');
  }
  if ('x-computed' in s) checkComputed(ctx, entity, s, path, top);
  descend(ctx, entity, s, path, depth);
}

function descend(ctx: BundleContext, entity: EntityInfo, s: Obj, path: string, depth: number): void {
  if (isObj(s.properties)) {
    for (const [name, child] of Object.entries(s.properties)) {
      checkField(ctx, entity, child, joinPointer(path, 'properties', name), null, depth + 1);
    }
  }
  if (isObj(s.items)) checkField(ctx, entity, s.items, joinPointer(path, 'items'), null, depth + 1);
}

function checkRef(ctx: BundleContext, ref: unknown, type: FieldType | undefined, path: string): void {
  if (typeof ref !== 'string') report(ctx, 'INVALID_FIELD_TYPE', path, 'must be the name of an entity');
  else if (type !== 'reference') report(ctx, 'INVALID_FIELD_TYPE', path, 'x-ref needs "x-type": "reference"');
  else if (!ctx.entities.has(ref)) report(ctx, 'UNKNOWN_ENTITY', path, `entity "${ref}" is not defined`);
}

function checkPicklistRef(ctx: BundleContext, name: unknown, type: FieldType | undefined, path: string): void {
  if (typeof name !== 'string') report(ctx, 'INVALID_FIELD_TYPE', path, 'must be the name of a picklist');
  else if (type !== 'picklist' && type !== 'multiselect') {
    report(ctx, 'INVALID_FIELD_TYPE', path, 'x-picklist needs "x-type": "picklist" or "multiselect"');
  } else if (!ctx.picklists.has(name)) report(ctx, 'UNKNOWN_PICKLIST', path, `picklist "${name}" is not defined in picklists`);
}

const numericCel = new Set(['double', 'int', 'uint']);
const scalarCel = new Set(['string', 'bool', ...numericCel]);

/** `x-computed`: a read-only top-level field whose CEL expression type-checks and yields the field's type. */
function checkComputed(ctx: BundleContext, entity: EntityInfo, s: Obj, path: string, top: string): void {
  const at = joinPointer(path, 'x-computed');
  const expression = s['x-computed'];
  if (typeof expression !== 'string' || expression === '') {
    return report(ctx, 'INVALID_FIELD_TYPE', at, 'must be a CEL expression');
  }
  if (s.readOnly !== true) return report(ctx, 'INVALID_FIELD_TYPE', at, 'a computed field must be "readOnly": true');
  const problem = checkCelAgainstEntity(expression, entity.definition, { entityName: entity.name });
  if (problem) return report(ctx, problem.code, at, problem.message);
  const expected = celTypeOfField(s, top);
  const actual = celResultType(expression, entity.definition);
  if (actual === undefined || !scalarCel.has(expected) || !scalarCel.has(actual)) return;
  if (actual !== expected && !(numericCel.has(actual) && numericCel.has(expected))) {
    report(ctx, 'INVALID_EXPRESSION', at, `the expression yields ${actual}, but the field holds ${expected}`);
  }
}
