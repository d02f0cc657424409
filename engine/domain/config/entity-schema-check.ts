import { joinPointer } from '../errors.js';
import { createAjv, ENTITY_SCHEMA_OPTIONS } from './ajv-support.js';
import type { ConfigError } from './codes.js';
import { isObj } from './json-reading.js';
import { checkSchemaSafety } from './schema-limits.js';

export interface EntitySchemaCheck {
  errors: ConfigError[];
  /** Entities whose schema is unsafe: never compiled, never typed for CEL, their fields are not read. */
  unsafe: Set<string>;
}

/**
 * Each entity's data schema must be safe (schema-limits.ts: depth, size, patterns, no remote $ref, no unknown
 * keywords) and then compile under ajv strict mode. An unsafe schema is never handed to ajv. One ajv instance serves
 * the whole bundle: a fresh instance costs about 9 ms before its first compile, which 200 entities would multiply.
 */
export function checkEntitySchemas(entities: unknown): EntitySchemaCheck {
  const errors: ConfigError[] = [];
  const unsafe = new Set<string>();
  const safe: [string, object][] = [];
  for (const [name, entity] of Object.entries(isObj(entities) ? entities : {})) {
    const schema = isObj(entity) ? entity.schema : undefined;
    if (!isObj(schema)) continue;
    const path = joinPointer('/entities', name, 'schema');
    const problems = checkSchemaSafety(schema, path);
    if (problems.length) {
      unsafe.add(name);
      errors.push(...problems);
    } else {
      safe.push([path, schema]);
    }
  }
  if (safe.length === 0) return { errors, unsafe };
  const ajv = createAjv(ENTITY_SCHEMA_OPTIONS, safe.map(([, schema]) => schema));
  for (const [path, schema] of safe) {
    try {
      ajv.compile(schema);
    } catch (error) {
      errors.push({ code: 'INVALID_ENTITY_SCHEMA', path, message: (error as Error).message });
    }
  }
  return { errors, unsafe };
}
