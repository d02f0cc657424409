import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { get } from '../../api';
import { editableKinds, type ConfigIssue, type EditableKind } from './config-kinds';

const base = 'https://schemas.flowcrm.dev/meta/';

/** The item's pointer an ajv error is about: the missing or extra property itself, not its parent. */
function pointerOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const escape = (s: unknown) => String(s).replace(/~/g, '~0').replace(/\//g, '~1');
  if (error.keyword === 'required') return `${error.instancePath}/${escape(params.missingProperty)}`;
  if (error.keyword === 'additionalProperties') return `${error.instancePath}/${escape(params.additionalProperty)}`;
  return error.instancePath;
}

export type ItemValidator = (item: unknown) => ConfigIssue[];

let validators: Promise<Record<EditableKind, ValidateFunction>> | undefined;

/**
 * The meta-schemas from `GET /api/config/meta-schemas`, compiled once per page load: a definition is checked against
 * its kind's schema while it is typed. Only the server's POST /api/config/validate knows CEL, references between
 * items and the x-type shapes; this is the fast first pass.
 */
export function loadValidators(): Promise<Record<EditableKind, ValidateFunction>> {
  validators ??= get<{ schemas: Record<string, object> }>('/api/config/meta-schemas').then(({ schemas }) => {
    const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true, discriminator: true });
    addFormats(ajv);
    for (const schema of Object.values(schemas)) ajv.addSchema(schema);
    const compiled = {} as Record<EditableKind, ValidateFunction>;
    for (const [kind, { schema }] of Object.entries(editableKinds)) compiled[kind as EditableKind] = ajv.getSchema(base + schema) as ValidateFunction;
    return compiled;
  }).catch((error: unknown) => {
    validators = undefined; // a later editor may try again
    throw error;
  });
  return validators;
}

/** ajv's errors as issues with item pointers, one per pointer and message. */
export function validateItem(validate: ValidateFunction, item: unknown): ConfigIssue[] {
  if (validate(item)) return [];
  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  const all = validate.errors ?? [];
  // a failed if / oneOf / anyOf also reports its branches' errors, which say more
  const specific = all.filter((e) => !['if', 'oneOf', 'anyOf'].includes(e.keyword));
  for (const error of specific.length ? specific : all) {
    const path = pointerOf(error);
    const message = error.message ?? error.keyword;
    if (seen.has(path + message)) continue;
    seen.add(path + message);
    issues.push({ code: 'SCHEMA_VIOLATION', path, message });
  }
  return issues;
}
