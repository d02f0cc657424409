import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from './record-sql.js';

/** How long a sign-in lasts: the expiry of its bearer token. */
export const SESSION_SECONDS = 12 * 3600;

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

/**
 * Revokes every session of the user that may still be live, except `keep` (the caller's own); returns how many.
 * The sessions are the user's logins of the last token lifetime in the audit log, each of which names its token.
 */
export async function endSessions(em: EntityManager, username: string, keep?: string): Promise<number> {
  const ended = await runSql(em, `insert into revoked_sessions (jti, username, expires_at)
    select context->>'session', $1, at + make_interval(secs => $2) from audit_entries
     where entity = 'session' and actor = $1 and action = 'login' and at > now() - make_interval(secs => $2)
       and context->>'session' is not null and context->>'session' <> $3
    on conflict (jti) do nothing returning jti`, [username, SESSION_SECONDS, keep ?? '']);
  return ended.length;
}
