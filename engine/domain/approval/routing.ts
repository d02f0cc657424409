import { DomainError, ErrorCode } from '../errors.js';
import type { ApproverSpec, ApproverSpecInput, Directory, OrgUser, Resolution, RoutingRule } from './types.js';

export type RoutingContext = { directory: Directory; requester: string };

const isActive = (u: OrgUser): boolean => u.active !== false;

function fail(message: string, path = ''): never {
  throw new DomainError(ErrorCode.VALIDATION_FAILED, message, [{ path, message }]);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Narrows an unvalidated value to exactly one supported approver spec, or throws VALIDATION_FAILED. */
function checkSpec(spec: unknown, path: string): ApproverSpec {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) fail('an approver spec must be an object', path);
  const keys = Object.keys(spec);
  if (keys.length !== 1) {
    fail(`an approver spec needs exactly one of user, role, managerOf; got ${JSON.stringify(keys)}`, path);
  }
  const [key] = keys;
  const value = (spec as Record<string, unknown>)[key];
  if (key === 'user' || key === 'role') {
    if (!nonEmptyString(value)) fail(`approver spec "${key}" must be a non-empty string`, `${path}/${key}`);
    return { [key]: value } as ApproverSpec;
  }
  if (key === 'managerOf') {
    if (value !== 'requester') fail(`approver spec managerOf supports only "requester", got ${JSON.stringify(value)}`, `${path}/managerOf`);
    return { managerOf: 'requester' };
  }
  return fail(`unknown approver spec "${key}" (expected user, role or managerOf)`, path);
}

function resolveOne(spec: ApproverSpec, directory: Directory, requester: string, path: string): RoutingRule {
  const byName = (name: string) => directory.find((u) => u.username === name);

  if ('user' in spec) {
    const name = spec.user;
    const user = byName(name);
    const inputs = { user: name, requester };
    if (!user) fail(`approver user ${name} is not in the directory`, path);
    if (!isActive(user)) fail(`approver user ${name} is inactive`, path);
    if (name === requester) fail(`approver user ${name} is the requester and cannot approve their own request`, path);
    return { rule: `user:${name}`, inputs, result: [name] };
  }

  if ('role' in spec) {
    const role = spec.role;
    const holders = directory.filter((u) => u.roles.includes(role)).map((u) => u.username);
    const inactive = directory.filter((u) => u.roles.includes(role) && !isActive(u)).map((u) => u.username);
    const result = holders.filter((name) => !inactive.includes(name) && name !== requester);
    const inputs = { role, requester, holders, inactive };
    if (result.length === 0) {
      if (holders.length === 0) fail(`no user holds role ${role}`, path);
      if (holders.every((name) => inactive.includes(name))) fail(`no active user holds role ${role}`, path);
      fail(`role ${role} is held only by the requester ${requester}, who cannot approve their own request`, path);
    }
    return { rule: `role:${role}`, inputs, result: unique(result) };
  }

  const me = byName(requester);
  if (!me) fail(`requester ${requester} is not in the directory, so their manager is unknown`, path);
  const manager = me.manager;
  const inputs = { requester, manager };
  if (!manager) fail(`requester ${requester} has no manager`, path);
  const boss = byName(manager);
  if (!boss) fail(`manager ${manager} of requester ${requester} is not in the directory`, path);
  if (!isActive(boss)) fail(`manager ${manager} of requester ${requester} is inactive`, path);
  if (manager === requester) fail(`requester ${requester} is their own manager and cannot approve their own request`, path);
  return { rule: 'managerOf:requester', inputs, result: [manager] };
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

/**
 * Turns an approver spec into concrete usernames plus the routing rules that explain them.
 *
 * Users are deduplicated in spec order; inactive users are dropped; the requester is always excluded (separation
 * of duties). Every single spec must yield at least one user, otherwise VALIDATION_FAILED is thrown: an `all`
 * step must never silently lose one of its required approvers.
 */
export function resolveApprovers(spec: ApproverSpecInput, ctx: { directory: Directory; requester: string }): Resolution {
  const list: unknown[] = Array.isArray(spec) ? spec : [spec];
  if (list.length === 0) fail('an approver list needs at least one approver spec');
  const rules = list.map((item, i) => {
    const path = Array.isArray(spec) ? `/${i}` : '';
    return resolveOne(checkSpec(item, path), ctx.directory, ctx.requester, path);
  });
  return { users: unique(rules.flatMap((r) => r.result)), rules };
}
