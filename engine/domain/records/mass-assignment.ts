import { joinPointer, type ErrorDetail } from '../errors.js';

/** Keys that could reach an object's prototype when a body is merged or assigned; refused anywhere in a body. */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The record envelope: written by the system only (id, entity, version, timestamps, authors, review, deletion,
 * configuration version). A body that names one of them at the top of the data is refused, unless the entity
 * declares a data field of that name.
 */
export const SYSTEM_FIELDS: ReadonlySet<string> = new Set([
  'id', 'entity', 'version', 'configVersion', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy', 'deletedAt', 'review',
]);

/** Bodies nest at most this deep (objects and arrays); deeper input is refused before any recursive code sees it. */
export const MAX_BODY_DEPTH = 64;

export interface BodyProblems {
  forbidden: ErrorDetail[];
  invalid: ErrorDetail[];
}

/**
 * Walks a parsed JSON value without recursion: prototype keys (FORBIDDEN_FIELD), NUL characters in keys or strings
 * and numbers that are not finite (VALIDATION_FAILED), nesting beyond `maxDepth` (VALIDATION_FAILED, once).
 */
export function inspectBody(value: unknown, maxDepth = MAX_BODY_DEPTH): BodyProblems {
  const problems: BodyProblems = { forbidden: [], invalid: [] };
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  let tooDeep = false;
  while (stack.length) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) problems.invalid.push({ path: path || '/', message: 'text may not contain NUL characters', code: 'VALIDATION_FAILED' });
    } else if (typeof current === 'number') {
      if (!Number.isFinite(current)) problems.invalid.push({ path: path || '/', message: 'the number is out of range', code: 'VALIDATION_FAILED' });
    } else if (current && typeof current === 'object') {
      if (depth >= maxDepth) {
        if (!tooDeep) problems.invalid.push({ path: path || '/', message: `the body nests deeper than ${maxDepth} levels`, code: 'VALIDATION_FAILED' });
        tooDeep = true;
        continue;
      }
      const entries = Array.isArray(current) ? current.map((v, i) => [String(i), v] as const) : Object.entries(current);
      for (const [key, child] of entries) {
        const childPath = joinPointer(path, key);
        if (!Array.isArray(current)) {
          if (PROTOTYPE_KEYS.has(key)) problems.forbidden.push({ path: childPath, message: `${key} may not be used as a key`, code: 'FORBIDDEN_FIELD' });
          if (key.includes('\u0000')) problems.invalid.push({ path: childPath, message: 'keys may not contain NUL characters', code: 'VALIDATION_FAILED' });
        }
        stack.push({ value: child, path: childPath, depth: depth + 1 });
      }
    }
  }
  const byPath = (a: ErrorDetail, b: ErrorDetail) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  problems.forbidden.sort(byPath);
  problems.invalid.sort(byPath);
  return problems;
}

export interface DeclaredFields {
  /** The entity schema's top-level properties. */
  properties: ReadonlySet<string>;
  /** The schema sets `additionalProperties` to something other than false: undeclared keys are data. */
  open: boolean;
  /** The schema of each top-level property, to look for undeclared keys inside it. */
  schemas: Readonly<Record<string, unknown>>;
}

export function declaredFields(entitySchema: unknown): DeclaredFields {
  const schema = (entitySchema ?? {}) as { properties?: unknown; additionalProperties?: unknown };
  const schemas = schema.properties && typeof schema.properties === 'object' ? schema.properties as Record<string, unknown> : {};
  return { properties: new Set(Object.keys(schemas)), open: schema.additionalProperties !== undefined && schema.additionalProperties !== false, schemas };
}

/**
 * Keys a record write may not carry: system fields at the top (FORBIDDEN_FIELD) and keys the entity does not declare,
 * at the top or nested (UNKNOWN_FIELD), each at its JSON pointer under `prefix`. A patch may still remove (`null`) a key the current data
 * holds although the entity no longer declares it (left over from an earlier configuration version).
 */
export function writableFieldProblems(input: Record<string, unknown>, fields: DeclaredFields, prefix: string,
  current: Record<string, unknown> | null = null): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const key of Object.keys(input)) {
    if (fields.properties.has(key)) {
      details.push(...nestedUnknownKeys(fields.schemas[key], input[key], joinPointer(prefix, key)));
      continue;
    }
    if (input[key] === null && current && Object.hasOwn(current, key) && !PROTOTYPE_KEYS.has(key)) continue;
    const path = joinPointer(prefix, key);
    if (SYSTEM_FIELDS.has(key) || PROTOTYPE_KEYS.has(key)) details.push({ path, message: `${key} is set by the system`, code: 'FORBIDDEN_FIELD' });
    else if (!fields.open) details.push({ path, message: `${key} is not a field of this entity`, code: 'UNKNOWN_FIELD' });
  }
  return details;
}

type SchemaNode = { properties?: Record<string, unknown>; additionalProperties?: unknown; items?: unknown } & Record<string, unknown>;

const COMPOSITION = ['allOf', 'anyOf', 'oneOf', 'not', 'if', '$ref', 'patternProperties', 'unevaluatedProperties', 'dependentSchemas'];

/**
 * Keys inside nested objects that their schema does not declare (UNKNOWN_FIELD), for objects whose schema lists
 * `properties` and leaves `additionalProperties` out (an explicit `false` is ajv's to report, anything else allows
 * them). Schemas with composition keywords are not second-guessed. `null` values (merge-patch removals) are skipped.
 */
export function nestedUnknownKeys(schema: unknown, value: unknown, path: string): ErrorDetail[] {
  const node = (schema && typeof schema === 'object' ? schema : {}) as SchemaNode;
  if (COMPOSITION.some((k) => k in node)) return [];
  if (Array.isArray(value)) return node.items && typeof node.items === 'object' ? value.flatMap((v, i) => nestedUnknownKeys(node.items, v, joinPointer(path, i))) : [];
  if (!value || typeof value !== 'object') return [];
  const properties = node.properties && typeof node.properties === 'object' ? node.properties : null;
  if (!properties) return [];
  const details: ErrorDetail[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (Object.hasOwn(properties, key)) details.push(...nestedUnknownKeys(properties[key], child, joinPointer(path, key)));
    else if (node.additionalProperties === undefined && child !== null) {
      details.push({ path: joinPointer(path, key), message: `${key} is not a field here`, code: 'UNKNOWN_FIELD' });
    }
  }
  return details;
}
