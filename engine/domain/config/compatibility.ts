import { joinPointer, type ErrorDetail } from '../errors.js';

/**
 * What makes a candidate configuration incompatible with the records already stored. The checks here are pure: they
 * say which records to count (`probe`) and which entities to re-validate; engine/db/config-compatibility.ts counts.
 */
export type CompatibilityCode =
  | 'ENTITY_REMOVED'
  | 'REQUIRED_FIELD_ADDED'
  | 'FIELD_REMOVED'
  | 'ENUM_VALUE_REMOVED'
  | 'PICKLIST_VALUE_REMOVED'
  | 'TYPE_CHANGED'
  | 'CONSTRAINT_TIGHTENED';

/** Which live records of an entity an issue concerns; `field` is a top-level property of the record data. */
export type RecordProbe =
  | { kind: 'all' }
  | { kind: 'missing'; field: string }
  | { kind: 'present'; field: string }
  | { kind: 'valueIn'; field: string; values: unknown[] }
  | { kind: 'containsAny'; field: string; values: unknown[] }
  /** A value (or, with `multi`, an item of the array) outside `values`; absent and null values pass. */
  | { kind: 'notIn'; field: string; values: unknown[]; multi: boolean };

export interface CompatibilityCheck {
  entity: string;
  /** JSON pointer into the record data (`''` for the whole record). */
  path: string;
  code: CompatibilityCode;
  message: string;
  probe: RecordProbe;
}

/** An entity whose data schema changed: its stored records are validated against `schema`. */
export interface Revalidation {
  entity: string;
  schema: Record<string, unknown>;
  /** Top-level fields whose JSON `type` changed. */
  typeChanged: string[];
}

export interface CompatibilityPlan {
  checks: CompatibilityCheck[];
  revalidate: Revalidation[];
}

export interface CompatibilityIssue {
  entity: string;
  path: string;
  code: CompatibilityCode;
  message: string;
  /** Records affected (for re-validation issues: among the records checked). */
  records: number;
  checked?: number;
  sampled?: boolean;
}

type Json = Record<string, unknown>;

/** The checks that tell whether `candidate` breaks records written under `current` (null: nothing published yet). */
export function compatibilityPlan(current: Json | null, candidate: Json): CompatibilityPlan {
  const plan: CompatibilityPlan = { checks: [], revalidate: [] };
  const before = asMap(current?.entities);
  const after = asMap(candidate.entities);
  for (const entity of Object.keys(before).sort()) {
    if (!Object.hasOwn(after, entity)) {
      plan.checks.push({ entity, path: '', code: 'ENTITY_REMOVED', message: `entity ${entity} is removed but has records`, probe: { kind: 'all' } });
      continue;
    }
    const oldSchema = asMap(asMap(before[entity]).schema);
    const newSchema = asMap(asMap(after[entity]).schema);
    plan.checks.push(...picklistChecks(entity, current ?? {}, oldSchema, candidate, newSchema));
    if (sameJson(oldSchema, newSchema)) continue;
    plan.checks.push(...schemaChecks(entity, oldSchema, newSchema));
    const oldProps = asMap(oldSchema.properties);
    const newProps = asMap(newSchema.properties);
    const typeChanged = Object.keys(newProps)
      .filter((f) => Object.hasOwn(oldProps, f) && !sameJson(asMap(oldProps[f]).type, asMap(newProps[f]).type))
      .sort();
    plan.revalidate.push({ entity, schema: newSchema, typeChanged });
  }
  return plan;
}

function schemaChecks(entity: string, oldSchema: Json, newSchema: Json): CompatibilityCheck[] {
  const checks: CompatibilityCheck[] = [];
  const oldProps = asMap(oldSchema.properties);
  const newProps = asMap(newSchema.properties);
  const oldRequired = new Set(stringList(oldSchema.required));
  for (const field of stringList(newSchema.required)) {
    if (oldRequired.has(field) || asMap(newProps[field]).default !== undefined) continue;
    checks.push({
      entity, path: joinPointer('', field), code: 'REQUIRED_FIELD_ADDED',
      message: `${field} is now required and has no default`, probe: { kind: 'missing', field },
    });
  }
  for (const field of Object.keys(oldProps).sort()) {
    if (Object.hasOwn(newProps, field)) {
      checks.push(...enumChecks(entity, field, asMap(oldProps[field]), asMap(newProps[field])));
      continue;
    }
    checks.push({
      entity, path: joinPointer('', field), code: 'FIELD_REMOVED',
      message: `${field} is removed from the schema but records still hold it`, probe: { kind: 'present', field },
    });
  }
  return checks;
}

function enumChecks(entity: string, field: string, oldProp: Json, newProp: Json): CompatibilityCheck[] {
  const path = joinPointer('', field);
  const scalar = removedValues(oldProp.enum, newProp.enum);
  const checks: CompatibilityCheck[] = [];
  if (scalar.length) {
    checks.push({
      entity, path, code: 'ENUM_VALUE_REMOVED',
      message: `${field} no longer allows ${scalar.map((v) => JSON.stringify(v)).join(', ')}`,
      probe: { kind: 'valueIn', field, values: scalar },
    });
  }
  const items = removedValues(asMap(oldProp.items).enum, asMap(newProp.items).enum);
  if (items.length) {
    checks.push({
      entity, path, code: 'ENUM_VALUE_REMOVED',
      message: `${field} items no longer allow ${items.map((v) => JSON.stringify(v)).join(', ')}`,
      probe: { kind: 'containsAny', field, values: items },
    });
  }
  return checks;
}

/**
 * Picklist fields (`x-picklist`) are checked by the record engine, not by the JSON Schema: a record breaks when its
 * value is no longer in the field's picklist, whether the picklist lost values or the field now names another one.
 */
function picklistChecks(entity: string, oldBundle: Json, oldSchema: Json, newBundle: Json, newSchema: Json): CompatibilityCheck[] {
  const checks: CompatibilityCheck[] = [];
  const oldProps = asMap(oldSchema.properties);
  for (const [field, node] of Object.entries(asMap(newSchema.properties)).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const name = asMap(node)['x-picklist'];
    if (typeof name !== 'string' || !Object.hasOwn(oldProps, field)) continue;
    const allowed = picklistValues(newBundle, name);
    const oldName = asMap(oldProps[field])['x-picklist'];
    const before = typeof oldName === 'string' ? picklistValues(oldBundle, oldName) : null;
    if (before && oldName === name && before.every((v) => allowed.includes(v))) continue;
    const removed = before ? before.filter((v) => !allowed.includes(v)) : [];
    checks.push({
      entity, path: joinPointer('', field), code: 'PICKLIST_VALUE_REMOVED',
      message: removed.length
        ? `${field}: picklist ${name} no longer has ${removed.map((v) => JSON.stringify(v)).join(', ')}`
        : `${field} now takes its values from picklist ${name}`,
      probe: { kind: 'notIn', field, values: allowed, multi: asMap(node).type === 'array' },
    });
  }
  return checks;
}

function picklistValues(bundle: Json, name: string): string[] {
  const list = asMap(asMap(bundle.picklists)[name]);
  return Array.isArray(list.values) ? list.values.map((v) => asMap(v).value).filter((v): v is string => typeof v === 'string') : [];
}

/** Values of the old enum the new one lacks; none when the new schema has no enum (any value goes). */
function removedValues(oldEnum: unknown, newEnum: unknown): unknown[] {
  if (!Array.isArray(oldEnum) || !Array.isArray(newEnum)) return [];
  return oldEnum.filter((v) => !newEnum.some((w) => sameJson(v, w)));
}

export interface RecordViolations {
  recordId: string;
  details: ErrorDetail[];
}

/**
 * Groups the validation failures of stored records under the new schema by top-level field. Fields in `covered`
 * (already reported by a counted check) are left out, so one cause is reported once.
 */
export function summarizeViolations(
  revalidation: Revalidation,
  violations: RecordViolations[],
  covered: ReadonlySet<string>,
  checked: number,
  sampled: boolean,
): CompatibilityIssue[] {
  const byField = new Map<string, { records: Set<string>; example: string }>();
  for (const { recordId, details } of violations) {
    for (const detail of details) {
      const field = topLevelField(detail.path);
      if (covered.has(field)) continue;
      let group = byField.get(field);
      if (!group) {
        group = { records: new Set(), example: `record ${recordId}: ${detail.path || '/'} ${detail.message}` };
        byField.set(field, group);
      }
      group.records.add(recordId);
    }
  }
  const typeChanged = new Set(revalidation.typeChanged);
  return [...byField.keys()].sort().map((field) => {
    const group = byField.get(field)!;
    const code: CompatibilityCode = typeChanged.has(field) ? 'TYPE_CHANGED' : 'CONSTRAINT_TIGHTENED';
    const what = code === 'TYPE_CHANGED' ? `the type of ${field} changed` : `the new schema rejects ${field || 'the record'}`;
    return {
      entity: revalidation.entity, path: field ? joinPointer('', field) : '', code,
      message: `${what}; ${group.records.size} of ${checked} records checked fail (e.g. ${group.example})`,
      records: group.records.size, checked, sampled,
    };
  });
}

/** `/lines/0/quantity` -> `lines`; `''` -> `''`. */
export function topLevelField(pointer: string): string {
  const first = pointer.split('/')[1];
  return first === undefined ? '' : first.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Where an issue points in the bundle, so that a folder reader can name the file. */
export function bundlePointerOf(issue: Pick<CompatibilityIssue, 'entity' | 'path'>): string {
  const field = topLevelField(issue.path);
  return field
    ? joinPointer('/entities', issue.entity, 'schema', 'properties', field)
    : joinPointer('/entities', issue.entity);
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function asMap(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Json)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
