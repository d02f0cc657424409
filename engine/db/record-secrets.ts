import type { EntityManager } from '@mikro-orm/postgresql';
import type { Bundle } from '../domain/config/types.js';
import { entityGrant, hiddenByAnyRole, hiddenFields, hiddenForReceiver } from '../domain/access/permissions.js';
import { hasSecrets, noSecrets, redactDeep, scrubDeep, secretsOf, type Secrets } from '../domain/access/redaction.js';
import { runSql } from './record-sql.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What of one record must not reach a reader who may not see `hidden`: the field names and every value those fields
 * hold now or held before (from the record's history), so that a copy in a process variable or a text is found too.
 */
export async function recordSecrets(em: EntityManager, entity: string, recordId: string | undefined | null, hidden: readonly string[]): Promise<Secrets> {
  if (!hidden.length) return noSecrets;
  if (!recordId || !uuidPattern.test(recordId)) return secretsOf(hidden, []);
  const [current] = await runSql<{ data: Record<string, unknown> }>(em, 'select data from records where id = $1 and entity = $2', [recordId, entity]);
  const history = await runSql<{ changes: Record<string, { before?: unknown; after?: unknown }> }>(em,
    'select changes from audit_entries where entity = $1 and record_id = $2 and changes ?| $3::text[]', [entity, recordId, [...hidden]]);
  const snapshots = [current?.data ?? {}];
  for (const { changes } of history) {
    for (const side of ['before', 'after'] as const) {
      snapshots.push(Object.fromEntries(hidden.filter((f) => changes[f] && typeof changes[f] === 'object').map((f) => [f, changes[f][side]])));
    }
  }
  return secretsOf(hidden, snapshots);
}

/** The fields of the entity the user's roles hide; for a user without roles (or unknown), every field some role hides. */
export async function hiddenForUser(em: EntityManager, bundle: Pick<Bundle, 'roles'>, username: string, entity: string): Promise<string[]> {
  const [user] = await runSql<{ roles: string[] | string }>(em, 'select roles from users where username = $1', [username]);
  return hiddenForRoles(bundle, typeof user?.roles === 'string' ? JSON.parse(user.roles) as string[] : user?.roles ?? [], entity);
}

/** The same for roles already at hand: without roles, every field some role hides. */
export function hiddenForRoles(bundle: Pick<Bundle, 'roles'>, roles: readonly string[], entity: string): string[] {
  return roles.length ? hiddenFields(entityGrant(bundle.roles, [...roles], entity)) : hiddenByAnyRole(bundle.roles, entity);
}

/**
 * A webhook payload as the subscriptions of `asRole` get it (null: a receiver without a role): every field hidden
 * for them on the payload's record (`hiddenForReceiver`) is dropped from its `changes` and `data`, and its values are
 * removed from every string.
 */
export async function redactForReceivers<T extends { entity?: unknown; recordId?: unknown }>(em: EntityManager, bundle: Pick<Bundle, 'roles'>, payload: T, asRole: string | null = null): Promise<T> {
  if (typeof payload.entity !== 'string') return payload;
  const secrets = await recordSecrets(em, payload.entity, typeof payload.recordId === 'string' ? payload.recordId : null, hiddenForReceiver(bundle.roles, asRole, payload.entity));
  if (!hasSecrets(secrets)) return payload;
  const redacted = scrubDeep(payload, secrets) as T & { changes?: unknown; data?: unknown };
  const own = payload as T & { changes?: unknown; data?: unknown };
  return {
    ...redacted, ...('changes' in own ? { changes: redactDeep(own.changes, secrets) } : {}), ...('data' in own ? { data: redactDeep(own.data, secrets) } : {}),
  };
}
