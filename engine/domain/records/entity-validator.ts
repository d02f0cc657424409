import type { ErrorDetail } from '../errors.js';
import { createAjv, ENTITY_SCHEMA_OPTIONS, errorMessage, errorPath } from '../config/ajv-support.js';

/**
 * Compiles an entity's data schema (ajv strict, all errors, formats) into a validator. The validator fills schema
 * defaults into `data` in place and returns one detail per problem, located by a JSON pointer into `data`.
 * Throws when the schema itself is invalid; validateBundle reports that as INVALID_ENTITY_SCHEMA before publish.
 */
export function createEntityValidator(entitySchema: object): (data: unknown) => ErrorDetail[] {
  const validate = createAjv(ENTITY_SCHEMA_OPTIONS, entitySchema).compile(entitySchema);
  return (data) => {
    if (validate(data)) return [];
    return (validate.errors ?? []).map((error) => ({
      path: errorPath(error),
      message: errorMessage(error),
      code: 'VALIDATION_FAILED',
    }));
  };
}

/** Top-level properties marked `readOnly: true`: set by the system or by processes, never by record writes. */
export function readOnlyFields(entitySchema: object): string[] {
  const properties = (entitySchema as { properties?: unknown }).properties;
  if (!properties || typeof properties !== 'object') return [];
  return Object.entries(properties)
    .filter(([, p]) => !!p && typeof p === 'object' && (p as { readOnly?: unknown }).readOnly === true)
    .map(([name]) => name);
}
