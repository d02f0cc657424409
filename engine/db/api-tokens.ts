import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from './record-sql.js';
import { addAudit } from './audit.js';

/** Integration tokens start with this, so the auth plugin tells them from session tokens (JWTs) at a glance. */
export const API_TOKEN_PREFIX = 'fct_';

export interface ApiToken {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

/** Who a presented token acts as, when it is usable (not revoked, not expired, its user active). */
export interface TokenIdentity {
  id: string;
  username: string;
  roles: string[];
  scopes: string[];
}

const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

const columns = `id, name, scopes, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "createdAt",
  to_char(expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "expiresAt",
  to_char(last_used_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "lastUsedAt"`;

/** Creates a token for `username` and answers its secret (the only time it exists outside the caller): audited. */
export async function createApiToken(em: EntityManager, input: { username: string; name: string; scopes: string[]; expiresAt?: Date | null; ip?: string }): Promise<ApiToken & { token: string }> {
  const secret = API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const id = randomUUID();
  const scopes = [...new Set(input.scopes)].sort();
  return em.fork().transactional(async (tx) => {
    const [row] = await runSql<ApiToken>(tx, `insert into api_tokens (id, username, name, scopes, token_hash, expires_at)
      values ($1, $2, $3, $4::jsonb, $5, $6) returning ${columns}`, [id, input.username, input.name, JSON.stringify(scopes), hashOf(secret), input.expiresAt ?? null]);
    addAudit(tx, { entity: 'api_token', recordId: id, action: 'create', actor: input.username, changes: { name: input.name, scopes, expiresAt: row.expiresAt }, context: { ip: input.ip } });
    await tx.flush();
    return { ...row, token: secret };
  });
}

/** The user's tokens that are not revoked, newest first; never their secrets. */
export function listApiTokens(em: EntityManager, username: string): Promise<ApiToken[]> {
  return runSql<ApiToken>(em, `select ${columns} from api_tokens where username = $1 and revoked_at is null order by created_at desc, id`, [username]);
}

/** Revokes one of the user's tokens (audited); false when the user has no such live token. */
export async function revokeApiToken(em: EntityManager, id: string, username: string, ip?: string): Promise<boolean> {
  return em.fork().transactional(async (tx) => {
    const rows = await runSql(tx, 'update api_tokens set revoked_at = now() where id = $1 and username = $2 and revoked_at is null returning id', [id, username]);
    if (!rows.length) return false;
    addAudit(tx, { entity: 'api_token', recordId: id, action: 'revoke', actor: username, context: { ip } });
    await tx.flush();
    return true;
  });
}

/** The identity of a presented secret, or null; marks the token used. */
export async function identifyApiToken(em: EntityManager, secret: string): Promise<TokenIdentity | null> {
  const [row] = await runSql<TokenIdentity>(em, `update api_tokens t set last_used_at = now() from users u
    where t.token_hash = $1 and t.revoked_at is null and (t.expires_at is null or t.expires_at > now()) and u.username = t.username and u.active
    returning t.id, t.username, u.roles, t.scopes`, [hashOf(secret)]);
  return row ?? null;
}
