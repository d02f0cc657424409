import type { EntityPermission, FieldAccess, Org, Permissions, Scope } from '../../../schemas/generated/access.js';

export type { FieldAccess, Org, Scope } from '../../../schemas/generated/access.js';

export const actions = ['create', 'read', 'update', 'delete', 'export', 'import'] as const;
export type Action = (typeof actions)[number];

/** Narrowest first: a wider scope reaches every record a narrower one does. */
export const scopes: readonly Scope[] = ['own', 'team', 'branch', 'all'];
const fieldAccessOrder: readonly FieldAccess[] = ['hidden', 'read', 'write'];

/** What one user may do with one entity: the scope per action (null: not allowed) and each field's access. */
export interface EntityGrant {
  actions: Record<Action, Scope | null>;
  /** Fields with less than write access; a field not listed is writable. */
  fields: Record<string, FieldAccess>;
}

interface RoleLike { label?: unknown; permissions?: Permissions }

const unrestricted = (): EntityGrant => ({ actions: Object.fromEntries(actions.map((a) => [a, 'all'])) as Record<Action, Scope>, fields: {} });

const wider = <T>(order: readonly T[], a: T | null, b: T | null): T | null => (a === null ? b : b === null ? a : order[Math.max(order.indexOf(a), order.indexOf(b))]);

/**
 * The union of the user's roles for one entity: per action the widest scope, per field the widest access. The admin
 * role and a role without `permissions` are unrestricted; a role the bundle does not define grants nothing.
 */
export function entityGrant(roles: Record<string, RoleLike> | undefined, userRoles: readonly string[], entity: string): EntityGrant {
  if (userRoles.includes('admin') || !roles) return unrestricted();
  let grant: EntityGrant | null = null;
  for (const name of userRoles) {
    const role = Object.hasOwn(roles, name) ? roles[name] : undefined;
    if (!role) continue;
    const permission: EntityPermission | undefined = role.permissions === undefined
      ? undefined
      : (Object.hasOwn(role.permissions, entity) ? role.permissions[entity] : role.permissions['*']) ?? {};
    const next = permission === undefined ? unrestricted() : grantOf(permission);
    grant = grant ? union(grant, next) : next;
  }
  return grant ?? { actions: Object.fromEntries(actions.map((a) => [a, null])) as Record<Action, null>, fields: {} };
}

/** Reassigning a record (writing `owner`) is a permission of its own: a role that does not grant it may only read the owner. */
export const OWNER_FIELD = 'owner';

function grantOf(permission: EntityPermission): EntityGrant {
  const fields: Record<string, FieldAccess> = { [OWNER_FIELD]: 'read' };
  for (const [field, access] of Object.entries(permission.fields ?? {})) {
    if (access === 'write') delete fields[field];
    else fields[field] = access;
  }
  return { actions: Object.fromEntries(actions.map((a) => [a, permission[a] ?? null])) as Record<Action, Scope | null>, fields };
}

function union(a: EntityGrant, b: EntityGrant): EntityGrant {
  const fields: Record<string, FieldAccess> = {};
  for (const field of new Set([...Object.keys(a.fields), ...Object.keys(b.fields)])) {
    const access = wider(fieldAccessOrder, a.fields[field] ?? 'write', b.fields[field] ?? 'write');
    if (access && access !== 'write') fields[field] = access;
  }
  return { actions: Object.fromEntries(actions.map((x) => [x, wider(scopes, a.actions[x], b.actions[x])])) as Record<Action, Scope | null>, fields };
}

export const hiddenFields = (grant: EntityGrant): string[] => Object.keys(grant.fields).filter((f) => grant.fields[f] === 'hidden');
export const unwritableFields = (grant: EntityGrant): string[] => Object.keys(grant.fields);

/**
 * The fields of an entity that some role of the configuration hides: what leaves for a reader without a user (a
 * webhook receiver). Roles without `permissions` hide nothing.
 */
export function hiddenByAnyRole(roles: Record<string, RoleLike> | undefined, entity: string): string[] {
  const hidden = new Set<string>();
  for (const name of Object.keys(roles ?? {})) {
    if (name === 'admin') continue;
    for (const field of hiddenFields(entityGrant(roles, [name], entity))) hidden.add(field);
  }
  return [...hidden].sort();
}

/**
 * The fields of an entity a webhook subscription's payloads leave out. With `asRole`, what that role hides (admin and
 * a role without `permissions`: nothing); without one, or when the role is no longer configured or may not read the
 * entity, every field some role hides.
 */
export function hiddenForReceiver(roles: Record<string, RoleLike> | undefined, asRole: string | null, entity: string): string[] {
  if (asRole === null || (asRole !== 'admin' && !(roles && Object.hasOwn(roles, asRole)))) return hiddenByAnyRole(roles, entity);
  const grant = entityGrant(roles, [asRole], entity);
  return grant.actions.read === null ? hiddenByAnyRole(roles, entity) : hiddenFields(grant).sort();
}

/** A copy of `data` without the hidden fields (the same object when nothing is hidden). */
export function redactData<T extends Record<string, unknown>>(data: T, hidden: readonly string[]): T {
  if (!hidden.some((f) => Object.hasOwn(data, f))) return data;
  const copy = { ...data };
  for (const field of hidden) delete copy[field];
  return copy;
}

/** The unit and every unit below it in the org tree. */
export function subtreeOf(org: Org | undefined, unit: string | null): string[] {
  if (!org || !unit || !Object.hasOwn(org.units, unit)) return unit ? [unit] : [];
  const result = [unit];
  for (let i = 0; i < result.length; i++) {
    for (const [name, u] of Object.entries(org.units)) if (u.parent === result[i] && !result.includes(name)) result.push(name);
  }
  return result;
}

export interface Member { username: string; unit: string | null; manager: string | null }

/** The user, the members of the user's unit, and everyone reporting to the user directly or through others. */
export function teamOf(directory: readonly Member[], username: string): string[] {
  const me = directory.find((m) => m.username === username);
  const team = new Set([username]);
  if (me?.unit) for (const m of directory) if (m.unit === me.unit) team.add(m.username);
  const queue = [username];
  for (let i = 0; i < queue.length; i++) {
    for (const m of directory) {
      if (m.manager === queue[i] && !queue.includes(m.username)) {
        team.add(m.username);
        queue.push(m.username);
      }
    }
  }
  return [...team].sort();
}

/** Whether a record owned by `owner` is within `scope` of the user. */
export function inScope(scope: Scope | null, owner: string, reach: { username: string; team: readonly string[]; units: readonly string[] }, ownerUnit: string | null): boolean {
  switch (scope) {
    case null: return false;
    case 'all': return true;
    case 'own': return owner === reach.username;
    case 'team': return reach.team.includes(owner);
    case 'branch': return owner === reach.username || (ownerUnit !== null && reach.units.includes(ownerUnit));
  }
}

/** A record's owner: its `owner` field when set, else whoever created it. */
export function recordOwner(data: Record<string, unknown>, createdBy: string): string {
  return typeof data.owner === 'string' && data.owner ? data.owner : createdBy;
}

/** The same rule in SQL over a `records` row aliased `alias`. */
export const ownerSql = (alias = 'records') => `coalesce(nullif(${alias}.data->>'owner', ''), ${alias}.created_by)`;
