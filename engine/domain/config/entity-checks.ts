import { joinPointer } from '../errors.js';
import { checkField, hasField, report, type BundleContext, type EntityInfo } from './context.js';
import { checkFieldTypes, scalarTypes } from './field-types.js';
import { entriesOf, isObj, itemsOf } from './json-reading.js';
import { checkEntityRules } from './rule-checks.js';

/** `{yyyy}`, `{yy}`, `{mm}`, `{dd}` and `{seq:N}` with N from 1 to 12; any other text is literal (no braces). */
const numberingToken = /\{(yyyy|yy|mm|dd|seq:(?:[1-9]|1[0-2]))\}/g;

/** Why a numbering pattern is invalid, or null. Exactly one `{seq:N}` keeps numbers unique. */
export function numberingProblem(pattern: string): string | null {
  const literal = pattern.replace(numberingToken, '');
  if (/[{}]/.test(literal)) {
    return 'unknown token: use {yyyy}, {yy}, {mm}, {dd} and {seq:N} (N from 1 to 12); other text may not contain braces';
  }
  const sequences = pattern.match(/\{seq:[^}]*\}/g) ?? [];
  return sequences.length === 1 ? null : 'needs exactly one {seq:N} token';
}

/** Entity-level checks: titleField, numbering, indexes, ui, the x-* annotations of its fields and its rules. */
export function checkEntities(ctx: BundleContext): void {
  for (const [name, definition] of entriesOf(ctx.bundle.entities)) {
    const entity = ctx.entities.get(name);
    if (!entity || !isObj(definition)) continue;
    const path = joinPointer('/entities', name);
    checkField(ctx, entity, definition.titleField, joinPointer(path, 'titleField'));
    checkNumbering(ctx, entity, definition.numbering, joinPointer(path, 'numbering'));
    itemsOf(definition.indexes).forEach((field, i) => checkIndex(ctx, entity, field, joinPointer(path, 'indexes', i)));
    checkUi(ctx, entity, definition.ui, joinPointer(path, 'ui'));
    checkFieldTypes(ctx, entity);
    checkEntityRules(ctx, entity, definition.rules, joinPointer(path, 'rules'));
  }
}

function checkNumbering(ctx: BundleContext, entity: EntityInfo, numbering: unknown, path: string): void {
  if (!isObj(numbering)) return;
  const { field, pattern } = numbering;
  if (typeof pattern === 'string') {
    const problem = numberingProblem(pattern);
    if (problem) report(ctx, 'INVALID_NUMBERING', joinPointer(path, 'pattern'), problem);
  }
  if (typeof field !== 'string') return;
  if (!hasField(entity, field)) return checkField(ctx, entity, field, joinPointer(path, 'field'));
  const schema = entity.properties[field];
  if (!isObj(schema) || schema.type !== 'string' || schema.readOnly !== true) {
    const message = `the numbering field "${field}" must be "type": "string" and "readOnly": true (the engine sets it)`;
    report(ctx, 'INVALID_NUMBERING', joinPointer(path, 'field'), message);
  }
}

function checkIndex(ctx: BundleContext, entity: EntityInfo, field: unknown, path: string): void {
  if (typeof field !== 'string') return;
  if (!hasField(entity, field)) return checkField(ctx, entity, field, path);
  const schema = entity.properties[field];
  if (!isObj(schema) || !scalarTypes.has(String(schema.type))) {
    report(ctx, 'INVALID_FIELD_TYPE', path, `"${field}" cannot be indexed: only string, number, integer or boolean fields can`);
  }
}

/** uiSchema keys name fields (keys starting with `ui:` are options); `ui:order` lists fields or "*". */
function checkUi(ctx: BundleContext, entity: EntityInfo, ui: unknown, path: string): void {
  for (const [key] of entriesOf(ui)) {
    if (!key.startsWith('ui:')) checkField(ctx, entity, key, joinPointer(path, key));
  }
  if (!isObj(ui)) return;
  itemsOf(ui['ui:order']).forEach((field, i) => {
    if (field !== '*') checkField(ctx, entity, field, joinPointer(path, 'ui:order', i));
  });
}
