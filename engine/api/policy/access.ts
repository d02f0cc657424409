import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthUser } from '../context.js';
import type { Bundle } from '../../domain/config/types.js';
import { DomainError } from '../../domain/errors.js';
import {
  entityGrant, hiddenFields, inScope, ownerSql, redactData, subtreeOf, teamOf,
  type Action, type EntityGrant, type Member, type Scope,
} from '../../domain/access/permissions.js';
import { runSql } from '../../db/record-sql.js';

/** Whom a user reaches through the org tree: the team (usernames) and the units of their subtree. */
export interface Reach {
  username: string;
  team: string[];
  units: string[];
}

/** Adds a bind parameter and answers its placeholder (`$n` for runSql, `?` for MikroORM's execute: so no array parameters). */
export type AddParam = (value: unknown) => string;

/** What one signed-in user may do, by entity; built once per request from the published configuration. */
export class AccessPolicy {
  private readonly grants = new Map<string, EntityGrant>();

  constructor(readonly user: AuthUser, private readonly bundle: Pick<Bundle, 'roles' | 'org' | 'entities'>, readonly reach: Reach) {}

  grant(entity: string): EntityGrant {
    let grant = this.grants.get(entity);
    if (!grant) {
      grant = entityGrant(this.bundle.roles, this.user.roles, entity);
      this.grants.set(entity, grant);
    }
    return grant;
  }

  scope(entity: string, action: Action): Scope | null {
    return this.grant(entity).actions[action];
  }

  assertAction(entity: string, action: Action): void {
    if (!this.scope(entity, action)) throw new DomainError('FORBIDDEN', `your roles do not allow ${action} on ${entity} records`);
  }

  /** Whether the user reaches a record of `owner` (whose unit is `ownerUnit`) for the action. */
  reaches(entity: string, action: Action, owner: string, ownerUnit: string | null): boolean {
    return inScope(this.scope(entity, action), owner, this.reach, ownerUnit);
  }

  hidden(entity: string): string[] {
    return hiddenFields(this.grant(entity));
  }

  redact<T extends Record<string, unknown>>(entity: string, data: T): T {
    return redactData(data, this.hidden(entity));
  }

  /** A SQL condition on a `records` row (aliased `alias`) that holds when the action reaches it. */
  scopeSql(entity: string, action: Action, add: AddParam, alias = 'records'): string {
    const owner = ownerSql(alias);
    switch (this.scope(entity, action)) {
      case null: return 'false';
      case 'all': return 'true';
      case 'own': return `${owner} = ${add(this.reach.username)}`;
      case 'team': return `${owner} in (${this.reach.team.map(add).join(', ')})`;
      case 'branch': {
        // parameters in the order they appear: `?` placeholders are positional
        const me = add(this.reach.username);
        const units = this.reach.units.length ? ` or exists (select 1 from users scope_u where scope_u.username = ${owner} and scope_u.unit in (${this.reach.units.map(add).join(', ')}))` : '';
        return `(${owner} = ${me}${units})`;
      }
    }
  }

  /** Readable records of any entity: one branch per configured entity (records of unknown entities are not read). */
  anyEntityReadSql(add: AddParam, alias: string): string {
    const branches = Object.keys(this.bundle.entities ?? {}).map((entity) => `(${alias}.entity = ${add(entity)} and ${this.scopeSql(entity, 'read', add, alias)})`);
    return branches.length ? `(${branches.join(' or ')})` : 'false';
  }
}

/** The user's reach from the users table and the org tree of the configuration. */
export async function loadReach(em: EntityManager, username: string, bundle: Pick<Bundle, 'org'>): Promise<Reach> {
  const directory = await runSql<Member>(em, 'select username, unit, manager from users where active');
  const unit = directory.find((m) => m.username === username)?.unit ?? null;
  return { username, team: teamOf(directory, username), units: subtreeOf(bundle.org, unit) };
}

export async function loadPolicy(em: EntityManager, user: AuthUser, bundle: Pick<Bundle, 'roles' | 'org' | 'entities'>): Promise<AccessPolicy> {
  return new AccessPolicy(user, bundle, await loadReach(em, user.username, bundle));
}

/** Owner and owner unit of a record (also of a deleted one), or null when it does not exist. */
export async function recordOwnership(em: EntityManager, entity: string, id: string): Promise<Ownership | null> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
  const rows = await runSql<{ owner: string; unit: string | null; created_by: string }>(em,
    `select ${ownerSql('r')} as owner, u.unit, r.created_by from records r left join users u on u.username = ${ownerSql('r')} where r.id = $1 and r.entity = $2`, [id, entity]);
  return rows[0] ? { owner: rows[0].owner, unit: rows[0].unit, createdBy: rows[0].created_by } : null;
}

export interface Ownership { owner: string; unit: string | null; createdBy: string }

/** The units of the named users (users that do not exist are left out). */
export async function unitsOf(em: EntityManager, usernames: readonly string[]): Promise<Map<string, string | null>> {
  if (!usernames.length) return new Map();
  const rows = await runSql<{ username: string; unit: string | null }>(em, 'select username, unit from users where username = any($1::text[])', [[...usernames]]);
  return new Map(rows.map((r) => [r.username, r.unit]));
}

/** Whether the user has, or had, a task on the record: approvers and assignees read what they decide on. */
export async function hasTaskOn(em: EntityManager, username: string, recordId: string): Promise<boolean> {
  const rows = await runSql(em, `select 1 from tasks t where t.record_id = $1 and (t.assignee = $2 or jsonb_exists(t.candidates, $2) or t.decided_by = $2) limit 1`, [recordId, username]);
  return rows.length > 0;
}
