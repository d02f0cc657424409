import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from './record-sql.js';

/** Whether a session may still be used: its user exists and is active, and the token was not revoked. */
export async function sessionUsable(em: EntityManager, username: string, jti: string | undefined): Promise<boolean> {
  const [row] = await runSql<{ active: boolean | null; revoked: boolean }>(em,
    `select (select active from users where username = $1) as active, exists (select 1 from revoked_sessions where jti = $2) as revoked`,
    [username, jti ?? '']);
  return row.active === true && !row.revoked;
}

/** Revokes one token (idempotent); `expiresAt` says when the row is no longer needed. */
export async function revokeSession(em: EntityManager, jti: string, username: string, expiresAt: Date): Promise<void> {
  await runSql(em, 'insert into revoked_sessions (jti, username, expires_at) values ($1, $2, $3) on conflict (jti) do nothing', [jti, username, expiresAt]);
}
