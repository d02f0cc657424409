import { DomainError, ErrorCode, joinPointer } from '../errors.js';
import type { ApproverSpec } from './types.js';

export const APPROVER_KINDS = ['user', 'role', 'group', 'managerOf', 'field', 'expression'] as const;

/** How far up the management chain `managerOf` may look. */
export const MAX_MANAGER_LEVELS = 10;

export function fail(message: string, path = ''): never {
  throw new DomainError(ErrorCode.VALIDATION_FAILED, message, [{ path, message }]);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isObj(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** Narrows an unvalidated value to exactly one supported approver spec, or throws VALIDATION_FAILED at `path`. */
export function checkSpec(spec: unknown, path: string): ApproverSpec {
  if (!isObj(spec)) fail('an approver spec must be an object', path);
  const keys = Object.keys(spec);
  const kinds = keys.filter((k) => k !== 'levels');
  if (kinds.length !== 1 || (keys.includes('levels') && kinds[0] !== 'managerOf')) {
    fail(`an approver spec needs exactly one of ${APPROVER_KINDS.join(', ')} (levels only with managerOf); got ${JSON.stringify(keys)}`, path);
  }
  const [key] = kinds;
  const value = spec[key];
  const at = joinPointer(path, key);
  if (key === 'user' || key === 'role' || key === 'group' || key === 'field' || key === 'expression') {
    if (!nonEmptyString(value)) fail(`approver spec "${key}" must be a non-empty string`, at);
    return { [key]: value } as ApproverSpec;
  }
  if (key === 'managerOf') {
    const target = value;
    const fieldTarget = isObj(target) && Object.keys(target).length === 1 && nonEmptyString(target.field);
    if (target !== 'requester' && target !== 'approver' && !fieldTarget) {
      fail(`approver spec managerOf must be "requester", "approver" or {"field": name}, got ${JSON.stringify(target)}`, at);
    }
    const levels = spec.levels;
    if (levels !== undefined && !(Number.isInteger(levels) && (levels as number) >= 1 && (levels as number) <= MAX_MANAGER_LEVELS)) {
      fail(`managerOf levels must be a whole number from 1 to ${MAX_MANAGER_LEVELS}, got ${JSON.stringify(levels)}`, joinPointer(path, 'levels'));
    }
    const managerOf = fieldTarget ? { field: (target as { field: string }).field } : (target as 'requester' | 'approver');
    return levels === undefined ? { managerOf } : { managerOf, levels: levels as number };
  }
  return fail(`unknown approver spec "${key}" (expected one of ${APPROVER_KINDS.join(', ')})`, path);
}

/** The routing-rule name of a spec, e.g. `role:finance`, `managerOf:requester^2`, `managerOf:record.owner`. */
export function ruleName(spec: ApproverSpec): string {
  if ('user' in spec) return `user:${spec.user}`;
  if ('role' in spec) return `role:${spec.role}`;
  if ('group' in spec) return `group:${spec.group}`;
  if ('field' in spec) return `field:${spec.field}`;
  if ('expression' in spec) return `expression:${spec.expression}`;
  const target = typeof spec.managerOf === 'string' ? spec.managerOf : `record.${spec.managerOf.field}`;
  const levels = spec.levels ?? 1;
  return levels === 1 ? `managerOf:${target}` : `managerOf:${target}^${levels}`;
}
