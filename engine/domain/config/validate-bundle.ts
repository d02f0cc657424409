import type { ConfigError } from './codes.js';
import { checkOrg, checkPermissions } from './access-checks.js';
import { bundleContext } from './context.js';
import { checkEntities } from './entity-checks.js';
import { checkEntitySchemas } from './entity-schema-check.js';
import { validateAgainstMetaSchema } from './meta-schemas.js';
import { checkPicklists, checkPipelines } from './pipelines.js';
import { checkChainsAndProcesses } from './references.js';
import { checkBundleLimits } from './schema-limits.js';
import { schemaViolations } from './schema-violations.js';

export type { ConfigError, ConfigErrorCode } from './codes.js';

export const SUPPORTED_SCHEMA_VERSION = 1;

export interface BundleValidation {
  valid: boolean;
  errors: ConfigError[];
}

/** Validates a whole configuration bundle and reports every problem found, each with a JSON pointer. */
export function validateBundle(bundle: unknown): BundleValidation {
  const errors: ConfigError[] = [];
  const version = isObj(bundle) ? bundle.schemaVersion : undefined;
  if (typeof version === 'number' && version !== SUPPORTED_SCHEMA_VERSION) {
    // The rest of a bundle of another version follows rules this engine does not know: stop here.
    const message = `schemaVersion ${version} is not supported; this engine reads schemaVersion ${SUPPORTED_SCHEMA_VERSION}`;
    return { valid: false, errors: [{ code: 'UNSUPPORTED_SCHEMA_VERSION', path: '/schemaVersion', message }] };
  }
  // Oversized or over-nested input is refused before anything costly (meta-schema, ajv, CEL) runs.
  const limits = checkBundleLimits(bundle);
  if (limits.length) return { valid: false, errors: limits };
  const validate = validateAgainstMetaSchema(bundle);
  const violations = schemaViolations(validate.errors ?? []);
  errors.push(...violations);
  if (isObj(bundle)) {
    const schemas = checkEntitySchemas(bundle.entities);
    errors.push(...schemas.errors);
    const ctx = bundleContext(bundle, schemas.unsafe, violations.map((v) => v.path));
    checkEntities(ctx);
    checkChainsAndProcesses(ctx);
    checkPipelines(ctx);
    checkPicklists(ctx);
    checkOrg(ctx);
    checkPermissions(ctx);
    errors.push(...ctx.errors);
  }
  return { valid: errors.length === 0, errors: dedupe(errors) };
}

function isObj(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function dedupe(errors: ConfigError[]): ConfigError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.code} ${e.path} ${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
