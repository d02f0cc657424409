import { joinPointer } from '../errors.js';
import { createAjv, ENTITY_SCHEMA_OPTIONS } from './ajv-support.js';
import type { ConfigError } from './codes.js';

/**
 * An entity's data schema must compile under ajv strict mode, and may not reach outside itself: no remote `$ref`
 * (ajv would fail or, worse, a loader would fetch it) and no `$data` (data-dependent keywords).
 */
export function checkEntitySchema(schema: unknown, path: string): ConfigError[] {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return [];
  const errors = forbiddenKeywords(schema, path);
  if (errors.length) return errors;
  try {
    createAjv(ENTITY_SCHEMA_OPTIONS, schema).compile(schema);
    return [];
  } catch (error) {
    return [{ code: 'INVALID_ENTITY_SCHEMA', path, message: (error as Error).message }];
  }
}

function forbiddenKeywords(node: unknown, path: string, errors: ConfigError[] = []): ConfigError[] {
  if (Array.isArray(node)) {
    node.forEach((item, i) => forbiddenKeywords(item, joinPointer(path, i), errors));
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      const at = joinPointer(path, key);
      // A property may be named "$ref" or "$data": only string values are the keywords.
      if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) {
        errors.push({ code: 'INVALID_ENTITY_SCHEMA', path: at, message: `remote $ref "${value}" is not allowed` });
      } else if (key === '$data' && typeof value === 'string') {
        errors.push({ code: 'INVALID_ENTITY_SCHEMA', path: at, message: '$data references are not allowed' });
      } else {
        forbiddenKeywords(value, at, errors);
      }
    }
  }
  return errors;
}
