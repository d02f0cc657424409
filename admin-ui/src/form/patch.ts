import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';
import type { ErrorDetail } from '../api';
import type { EntityDefinition } from '../types';

type Props = Record<string, RJSFSchema | boolean>;

function propertiesOf(schema: RJSFSchema): Props {
  return (schema.properties ?? {}) as Props;
}

export function readOnlyFields(schema: RJSFSchema): string[] {
  return Object.entries(propertiesOf(schema)).filter(([, s]) => typeof s === 'object' && s.readOnly === true).map(([k]) => k);
}

/** The create form: readOnly fields are set by the system or processes, never by the person creating the record. */
export function createSchema(entity: EntityDefinition): RJSFSchema {
  const schema = entity.schema as RJSFSchema;
  const hidden = new Set(readOnlyFields(schema));
  const properties = Object.fromEntries(Object.entries(propertiesOf(schema)).filter(([k]) => !hidden.has(k)));
  const required = (schema.required ?? []).filter((k) => !hidden.has(k));
  return { ...schema, properties, required };
}

export const hideSubmit: UiSchema = { 'ui:submitButtonOptions': { norender: true } };

/** A JSON merge patch from `before` to `after` over the top-level fields, leaving read-only (and locked) fields out. */
export function mergePatch(before: Record<string, unknown>, after: Record<string, unknown>, readOnly: string[]): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (readOnly.includes(key)) continue;
    if (!(key in after) || after[key] === undefined) {
      if (key in before) patch[key] = null;
    } else if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      patch[key] = after[key];
    }
  }
  return patch;
}

function unescapePointer(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Error details keyed by JSON pointer (`/lines/0/quantity`) as RJSF `extraErrors`; `prefix` is stripped first. */
export function toErrorSchema(details: ErrorDetail[], prefix = ''): ErrorSchema {
  const root: Record<string, unknown> = {};
  for (const detail of details) {
    const path = prefix && detail.path.startsWith(prefix) ? detail.path.slice(prefix.length) : detail.path;
    let node = root;
    for (const token of path.split('/').filter(Boolean).map(unescapePointer)) {
      node[token] ??= {};
      node = node[token] as Record<string, unknown>;
    }
    const errors = (node.__errors as string[] | undefined) ?? [];
    node.__errors = [...errors, detail.message];
  }
  return root as ErrorSchema;
}
