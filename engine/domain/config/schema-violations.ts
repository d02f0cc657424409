import type { ErrorObject } from 'ajv/dist/2020.js';
import { errorMessage, errorPath } from './ajv-support.js';
import type { ConfigError } from './codes.js';
import { isObj } from './json-reading.js';

/** Keywords whose errors only repeat what another error at the same place already says. */
const wrapperKeywords = new Set(['if', 'propertyNames']);

/**
 * Ajv's errors as SCHEMA_VIOLATIONs, minus the noise: wrapper keywords, and the per-branch errors of a failed oneOf.
 * Linear in the errors (times the JSON depth): a hostile bundle yields hundreds of thousands of them.
 */
export function schemaViolations(ajvErrors: ErrorObject[]): ConfigError[] {
  const kept = unwrapOneOrList(ajvErrors.filter((e) => !wrapperKeywords.has(e.keyword)));
  const alternatives = kept.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  // Nested alternatives (approvers: ApproverSpec | ApproverSpec[]) fail together: keep the outermost one, which is
  // reported last at its path and has no alternative at a shorter path above it.
  const lastAt = new Map<string, ErrorObject>();
  for (const e of alternatives) lastAt.set(e.instancePath, e);
  const outermost = new Set(alternatives.filter((e) => lastAt.get(e.instancePath) === e && !ancestors(e.instancePath).some((a) => lastAt.has(a))));
  const outermostPaths = new Set([...outermost].map((e) => e.instancePath));
  return kept
    .filter((e) => outermost.has(e) || !(outermostPaths.has(e.instancePath) || ancestors(e.instancePath).some((a) => outermostPaths.has(a))))
    .map((e) => ({ code: 'SCHEMA_VIOLATION' as const, path: errorPath(e), message: describe(e) }));
}

/** The JSON pointers strictly above `path`: `/a/b` -> `''`, `/a`. */
function ancestors(path: string): string[] {
  const found: string[] = [];
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) found.push(path.slice(0, i));
  return found;
}

/**
 * A "one item or a list of them" alternative (a trigger or a list of triggers, an approver or a list) is decided by
 * the value's JSON type, so its failure is the failure of the branch that type selects: the errors of that branch
 * are reported (`/trigger/cron is required`) instead of the alternative as a whole. Ajv reports the other branch
 * as a mismatch at the value itself, which is dropped with the alternative.
 */
function unwrapOneOrList(errors: ErrorObject[]): ErrorObject[] {
  const atPath = new Map<string, ErrorObject[]>();
  const above = new Set<string>();
  for (const e of errors) {
    const list = atPath.get(e.instancePath);
    if (list) list.push(e);
    else atPath.set(e.instancePath, [e]);
    for (const a of ancestors(e.instancePath)) above.add(a);
  }
  const dropped = new Set<ErrorObject>();
  for (const e of errors) {
    const branches = e.keyword === 'oneOf' && Array.isArray(e.schema) ? (e.schema as unknown[]) : [];
    const listBranch = branches.findIndex((b) => isObj(b) && b.type === 'array');
    if (branches.length !== 2 || listBranch < 0) continue;
    const isList = Array.isArray(e.data);
    const same = (atPath.get(e.instancePath) ?? []).filter((f) => f !== e);
    const otherBranch = same.filter((f) => f.schemaPath.startsWith(`${e.schemaPath}/${listBranch}/`) !== isList);
    // Only when the selected branch explains the failure on its own.
    if (same.length === otherBranch.length && !above.has(e.instancePath)) continue;
    dropped.add(e);
    for (const f of otherBranch) dropped.add(f);
  }
  return errors.filter((e) => !dropped.has(e));
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
