import type { EntityManager } from '@mikro-orm/postgresql';
import type { Bundle } from '../domain/config/types.js';
import { DomainError, type ErrorDetail } from '../domain/errors.js';
import { runSql } from './record-sql.js';
import { addAudit } from './audit.js';
import { hashPassword } from './passwords.js';

export interface DirectoryUser {
  username: string;
  displayName: string;
  roles: string[];
  unit: string | null;
  manager: string | null;
  active: boolean;
}

export interface NewUser {
  username: string;
  displayName: string;
  roles: string[];
  unit?: string | null;
  manager?: string | null;
  password: string;
}

export interface UserChanges {
  displayName?: string;
  roles?: string[];
  unit?: string | null;
  manager?: string | null;
  active?: boolean;
}

const columns = 'username, display_name as "displayName", roles, unit, manager, active';

export function listUsers(em: EntityManager, includeInactive: boolean): Promise<DirectoryUser[]> {
  return runSql<DirectoryUser>(em, `select ${columns} from users ${includeInactive ? '' : 'where active'} order by username`);
}

/** Roles and units must exist in the published configuration, the manager among the users (and not the user). */
async function checkReferences(tx: EntityManager, bundle: Pick<Bundle, 'roles' | 'org'>, username: string, input: UserChanges): Promise<void> {
  const details: ErrorDetail[] = [];
  (input.roles ?? []).forEach((role, i) => {
    if (bundle.roles && !Object.hasOwn(bundle.roles, role)) details.push({ path: `/roles/${i}`, message: `no role ${role} is configured` });
  });
  if (input.unit && !(bundle.org && Object.hasOwn(bundle.org.units, input.unit))) details.push({ path: '/unit', message: `no org unit ${input.unit} is configured` });
  if (input.manager === username) details.push({ path: '/manager', message: 'a user cannot be their own manager' });
  else if (input.manager && !(await runSql(tx, 'select 1 from users where username = $1', [input.manager])).length) {
    details.push({ path: '/manager', message: `no user ${input.manager}` });
  }
  if (details.length) throw new DomainError('VALIDATION_FAILED', 'the user names unknown roles, units or managers', details);
}

/** Adds a user (audited; the audit entry carries no password). */
export async function createUser(em: EntityManager, bundle: Pick<Bundle, 'roles' | 'org'>, input: NewUser, actor: string): Promise<DirectoryUser> {
  const passwordHash = await hashPassword(input.password);
  return em.fork().transactional(async (tx) => {
    await checkReferences(tx, bundle, input.username, input);
    const [row] = await runSql<DirectoryUser>(tx, `insert into users (username, display_name, roles, unit, manager, password_hash)
      values ($1, $2, $3::jsonb, $4, $5, $6) on conflict (username) do nothing returning ${columns}`,
    [input.username, input.displayName, JSON.stringify(input.roles), input.unit ?? null, input.manager ?? null, passwordHash]);
    if (!row) throw new DomainError('CONFLICT', `a user ${input.username} exists already`, [{ path: '/username', message: 'taken' }]);
    addAudit(tx, { entity: 'user', action: 'create', actor, changes: { ...row } });
    await tx.flush();
    return row;
  });
}

/** Changes a user; every changed field is audited with its old and new value (roles and units are permissions). */
export async function updateUser(em: EntityManager, bundle: Pick<Bundle, 'roles' | 'org'>, username: string, changes: UserChanges, actor: string): Promise<DirectoryUser> {
  return em.fork().transactional(async (tx) => {
    const [before] = await runSql<DirectoryUser>(tx, `select ${columns} from users where username = $1 for update`, [username]);
    if (!before) throw new DomainError('NOT_FOUND', `no user ${username}`, [{ path: '/params/username', message: 'unknown user' }]);
    await checkReferences(tx, bundle, username, changes);
    if (username === actor && (changes.active === false || (changes.roles && !changes.roles.includes('admin') && before.roles.includes('admin')))) {
      // the last admin could otherwise lock everyone out of user administration
      throw new DomainError('VALIDATION_FAILED', 'you cannot deactivate yourself or drop your own admin role',
        [{ path: changes.active === false ? '/active' : '/roles', message: 'ask another admin' }]);
    }
    const next = { ...before, ...changes };
    const [after] = await runSql<DirectoryUser>(tx, `update users set display_name = $2, roles = $3::jsonb, unit = $4, manager = $5, active = $6
      where username = $1 returning ${columns}`, [username, next.displayName, JSON.stringify(next.roles), next.unit, next.manager, next.active]);
    const changed = Object.fromEntries((Object.keys(changes) as (keyof UserChanges)[])
      .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).map((k) => [k, { from: before[k], to: after[k] }]));
    if (Object.keys(changed).length) {
      addAudit(tx, { entity: 'user', action: 'update', actor, changes: { username, ...changed } });
      await tx.flush();
    }
    return after;
  });
}
