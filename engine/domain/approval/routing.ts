import { evaluate } from '../cel.js';
import { checkSpec, fail, ruleName } from './approver-spec.js';
import type { ApproverSpec, ApproverSpecInput, Directory, OrgUser, Resolution, RoutingRule } from './types.js';

export type RoutingContext = {
  directory: Directory;
  requester: string;
  /** The record under approval; needed by `field`, `managerOf: {field}` and `expression` specs. */
  record?: Record<string, unknown>;
  /** The approver `managerOf: 'approver'` starts from (the task's approver on escalation, else the previous step's). */
  approver?: string;
  /** Users who may not approve this step (e.g. earlier approvers when the chain has `distinctApprovers`). */
  exclude?: string[];
};

const isActive = (u: OrgUser): boolean => u.active !== false;

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

/** Every active holder of a role or member of a group, minus the requester. */
function holders(kind: 'role' | 'group', name: string, ctx: RoutingContext, path: string): RoutingRule {
  const { directory, requester } = ctx;
  const has = (u: OrgUser) => (kind === 'role' ? u.roles.includes(name) : (u.groups ?? []).includes(name));
  const all = directory.filter(has).map((u) => u.username);
  const inactive = directory.filter((u) => has(u) && !isActive(u)).map((u) => u.username);
  const result = all.filter((n) => !inactive.includes(n) && n !== requester);
  const noun = kind === 'role' ? `holds role ${name}` : `is in group ${name}`;
  if (result.length === 0) {
    if (all.length === 0) fail(`no user ${noun}`, path);
    if (all.every((n) => inactive.includes(n))) fail(`no active user ${noun}`, path);
    fail(`${kind} ${name} is held only by the requester ${requester}, who cannot approve their own request`, path);
  }
  const inputs = kind === 'role' ? { role: name, requester, holders: all, inactive } : { group: name, requester, members: all, inactive };
  return { rule: `${kind}:${name}`, inputs, result: unique(result) };
}

/** Usernames named by a record field or an expression: unknown names fail, inactive ones and the requester drop. */
function named(source: string, value: unknown, ctx: RoutingContext, path: string): { names: string[]; inactive: string[]; result: string[] } {
  const names = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || n === '')) {
    fail(`${source} must yield a username or a list of usernames, got ${JSON.stringify(value)}`, path);
  }
  if (names.length === 0) fail(`${source} names nobody`, path);
  const inactive: string[] = [];
  for (const name of names as string[]) {
    const user = ctx.directory.find((u) => u.username === name);
    if (!user) fail(`user ${name} named by ${source} is not in the directory`, path);
    if (!isActive(user)) inactive.push(name);
  }
  const result = unique((names as string[]).filter((n) => !inactive.includes(n) && n !== ctx.requester));
  if (result.length === 0) fail(`${source} names only inactive users or the requester ${ctx.requester}`, path);
  return { names: names as string[], inactive, result };
}

function managerOf(spec: Extract<ApproverSpec, { managerOf: unknown }>, ctx: RoutingContext, path: string): RoutingRule {
  const { directory, requester } = ctx;
  const byName = (name: string) => directory.find((u) => u.username === name);
  const levels = spec.levels ?? 1;
  const inputs: Record<string, unknown> = { requester };
  let label: string;
  let subject: unknown;
  if (spec.managerOf === 'requester') {
    [label, subject] = ['requester', requester];
  } else if (spec.managerOf === 'approver') {
    if (!ctx.approver) fail('managerOf "approver" needs an approver: there is none before this step', path);
    [label, subject] = ['approver', ctx.approver];
    inputs.approver = subject;
  } else {
    const field = spec.managerOf.field;
    if (!ctx.record) fail(`managerOf record.${field} needs the record`, path);
    subject = ctx.record[field];
    if (typeof subject !== 'string' || subject === '') {
      fail(`managerOf record.${field}: the field must hold a username, got ${JSON.stringify(subject)}`, path);
    }
    label = `user in record.${field}`;
    Object.assign(inputs, { field, subject });
  }
  const start = subject as string;
  if (!byName(start)) fail(`${label} ${start} is not in the directory, so their manager is unknown`, path);
  const chain = [start];
  let current = start;
  for (let level = 1; level <= levels; level++) {
    const of = level === 1 ? `${label} ${start}` : `${current} (${level - 1} level(s) above ${label} ${start})`;
    const manager = byName(current)!.manager;
    if (!manager) fail(`${of} has no manager`, path);
    if (manager === start && level === 1) fail(`${label} ${start} is their own manager and cannot approve their own request`, path);
    if (chain.includes(manager)) fail(`the management chain of ${start} loops: ${[...chain, manager].join(' -> ')}`, path);
    if (!byName(manager)) fail(`manager ${manager} of ${of} is not in the directory`, path);
    chain.push(manager);
    if (level === levels) {
      if (!isActive(byName(manager)!)) fail(`manager ${manager} of ${of} is inactive`, path);
      if (manager === requester) fail(`manager ${manager} of ${of} is the requester and cannot approve their own request`, path);
    }
    current = manager;
  }
  if (levels > 1) Object.assign(inputs, { levels, chain });
  inputs.manager = current;
  return { rule: ruleName(spec), inputs, result: [current] };
}

function resolveOne(spec: ApproverSpec, ctx: RoutingContext, path: string): RoutingRule {
  const { directory, requester } = ctx;
  if ('user' in spec) {
    const name = spec.user;
    const user = directory.find((u) => u.username === name);
    if (!user) fail(`approver user ${name} is not in the directory`, path);
    if (!isActive(user)) fail(`approver user ${name} is inactive`, path);
    if (name === requester) fail(`approver user ${name} is the requester and cannot approve their own request`, path);
    return { rule: `user:${name}`, inputs: { user: name, requester }, result: [name] };
  }
  if ('role' in spec) return holders('role', spec.role, ctx, path);
  if ('group' in spec) return holders('group', spec.group, ctx, path);
  if ('field' in spec) {
    if (!ctx.record) fail(`approver spec field "${spec.field}" needs the record`, path);
    const { names, inactive, result } = named(`record field ${spec.field}`, ctx.record[spec.field], ctx, path);
    return { rule: ruleName(spec), inputs: { field: spec.field, requester, named: names, inactive }, result };
  }
  if ('expression' in spec) {
    let value: unknown;
    try {
      value = evaluate(spec.expression, { record: ctx.record ?? {}, requester });
    } catch (error) {
      const cause = String((error as Error).message ?? error).split('\n')[0];
      fail(`approver expression "${spec.expression}" cannot be evaluated: ${cause}`, path);
    }
    const { names, inactive, result } = named(`expression "${spec.expression}"`, value, ctx, path);
    return { rule: ruleName(spec), inputs: { expression: spec.expression, requester, named: names, inactive }, result };
  }
  return managerOf(spec, ctx, path);
}

/** Removes `ctx.exclude` from a rule's result, recording who was removed. */
function applyExclusions(rule: RoutingRule, exclude: string[]): RoutingRule {
  const excluded = rule.result.filter((n) => exclude.includes(n));
  if (excluded.length === 0) return rule;
  return { rule: rule.rule, inputs: { ...rule.inputs, excluded }, result: rule.result.filter((n) => !exclude.includes(n)) };
}

/**
 * Turns an approver spec into concrete usernames plus the routing rules that explain them.
 *
 * Users are deduplicated in spec order; inactive users are dropped; the requester is always excluded (separation
 * of duties). Every single spec must yield at least one user, otherwise VALIDATION_FAILED is thrown: an `all` step
 * must never silently lose one of its required approvers. `ctx.exclude` (approvers of earlier steps, under
 * `distinctApprovers`) is removed afterwards: that removal is intended, so only a step left with nobody fails.
 */
export function resolveApprovers(spec: ApproverSpecInput, ctx: RoutingContext): Resolution {
  const list: unknown[] = Array.isArray(spec) ? spec : [spec];
  if (list.length === 0) fail('an approver list needs at least one approver spec');
  const rules = list.map((item, i) => {
    const path = Array.isArray(spec) ? `/${i}` : '';
    return applyExclusions(resolveOne(checkSpec(item, path), ctx, path), ctx.exclude ?? []);
  });
  const users = unique(rules.flatMap((r) => r.result));
  if (users.length === 0) fail('every approver of this step approved an earlier step (distinctApprovers)');
  return { users, rules };
}
