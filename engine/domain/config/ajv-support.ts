import { Ajv2020, type ErrorObject, type Options } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { pointerSegment } from '../errors.js';

/** How entity data schemas are compiled: for record validation and for the publish-time check. */
export const ENTITY_SCHEMA_OPTIONS: Options = { allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true };

/** An ajv for JSON Schema 2020-12 with the standard formats and every `x-*` keyword found in `schema` allowed. */
export function createAjv(options: Options, schema?: unknown): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, ...options });
  addFormats.default(ajv);
  for (const keyword of extensionKeywords(schema)) ajv.addKeyword(keyword);
  return ajv;
}

/** Allows the `x-*` keywords of `schema` that `ajv` does not know yet (one ajv may compile many schemas). */
export function allowExtensionKeywords(ajv: Ajv2020, schema: unknown): void {
  const known = allowed.get(ajv) ?? new Set<string>();
  allowed.set(ajv, known);
  for (const keyword of extensionKeywords(schema)) {
    if (known.has(keyword)) continue;
    ajv.addKeyword(keyword);
    known.add(keyword);
  }
}

/** The keywords allowExtensionKeywords added, per ajv (getKeyword does not report keywords without a definition). */
const allowed = new WeakMap<Ajv2020, Set<string>>();

/** `x-*` keys are annotations (e.g. `x-ref`), which ajv's strict mode would reject as unknown keywords. */
function extensionKeywords(schema: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const item of schema) extensionKeywords(item, found);
  else if (schema && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key.startsWith('x-')) found.add(key);
      extensionKeywords(value, found);
    }
  }
  return found;
}

/** The JSON pointer an ajv error is about: the missing or extra property itself, not its parent. */
export function errorPath(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
    case 'dependentRequired':
      return `${error.instancePath}/${pointerSegment(String(params.missingProperty))}`;
    case 'additionalProperties':
      return `${error.instancePath}/${pointerSegment(String(params.additionalProperty))}`;
    case 'unevaluatedProperties':
      return `${error.instancePath}/${pointerSegment(String(params.unevaluatedProperty))}`;
    case 'discriminator':
      return `${error.instancePath}/${pointerSegment(String(params.tag))}`;
    default:
      return error.propertyName !== undefined
        ? `${error.instancePath}/${pointerSegment(error.propertyName)}`
        : error.instancePath;
  }
}

/** A message that says what is wrong without repeating the path. */
export function errorMessage(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return 'is not allowed here';
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    default:
      return error.message ?? 'is invalid';
  }
}
