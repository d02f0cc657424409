import type { ErrorObject } from 'ajv/dist/2020.js';
import { errorMessage, errorPath } from './ajv-support.js';
import type { ConfigError } from './codes.js';
import { bundleContext } from './context.js';
import { checkEntities } from './entity-checks.js';
import { checkEntitySchemas } from './entity-schema-check.js';
import { validateAgainstMetaSchema } from './meta-schemas.js';
import { checkPicklists, checkPipelines } from './pipelines.js';
import { checkChainsAndProcesses } from './references.js';
import { checkBundleLimits } from './schema-limits.js';

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
    errors.push(...ctx.errors);
  }
  return { valid: errors.length === 0, errors: dedupe(errors) };
}

function isObj(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** Keywords whose errors only repeat what another error at the same place already says. */
const wrapperKeywords = new Set(['if', 'propertyNames']);

/** Ajv errors, minus the noise: wrapper keywords, and the per-branch errors of a failed oneOf. */
function schemaViolations(ajvErrors: ErrorObject[]): ConfigError[] {
  const kept = ajvErrors.filter((e) => !wrapperKeywords.has(e.keyword));
  const alternatives = kept.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  // Nested alternatives (approvers: ApproverSpec | ApproverSpec[]) fail together: keep the outermost one, which is
  // reported last at its path or sits at a shorter path.
  const outermost = alternatives.filter(
    (e, i) =>
      !alternatives.some(
        (f, j) => (f.instancePath === e.instancePath && j > i) || within(e.instancePath, f.instancePath, true),
      ),
  );
  const result = kept
    .filter((e) => outermost.includes(e) || !outermost.some((o) => within(e.instancePath, o.instancePath, false)))
    .map((e) => ({ code: 'SCHEMA_VIOLATION' as const, path: errorPath(e), message: describe(e) }));
  return result;
}

/** Whether `path` is `base` or below it (strictly below when `strict`). */
function within(path: string, base: string, strict: boolean): boolean {
  return (!strict && path === base) || path.startsWith(base + '/');
}

function describe(error: ErrorObject): string {
  const description = (error.parentSchema as { description?: unknown } | undefined)?.description;
  if (error.keyword === 'discriminator' && (error.params as { tagValue?: unknown }).tagValue === undefined) {
    return 'is required';
  }
  const alternatives = ['oneOf', 'anyOf', 'discriminator'];
  if (alternatives.includes(error.keyword) && typeof description === 'string') return `must be ${description}`;
  return errorMessage(error);
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
