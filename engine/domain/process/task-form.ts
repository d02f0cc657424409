import type { ValidateFunction } from 'ajv/dist/2020.js';
import { createAjv, ENTITY_SCHEMA_OPTIONS, errorMessage, errorPath } from '../config/ajv-support.js';
import type { ErrorDetail } from '../errors.js';

const compiled = new Map<string, ValidateFunction>();

/** Validates a user task's answers against its form schema; problems point into the request body (`/data/...`). */
export function checkTaskForm(schema: Record<string, unknown>, data: Record<string, unknown>): ErrorDetail[] {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = createAjv({ ...ENTITY_SCHEMA_OPTIONS, useDefaults: false }, schema).compile(schema);
    if (compiled.size > 500) compiled.clear();
    compiled.set(key, validate);
  }
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => ({ path: `/data${errorPath(e)}`, message: errorMessage(e) }));
}
