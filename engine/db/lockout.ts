import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from './record-sql.js';

/** Failed logins of one username within the window that lock it (OWASP ASVS V6.3: throttling of guessing). */
export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_MINUTES = 15;

/**
 * Whether the username has had LOCKOUT_FAILURES failed logins (or password changes with a wrong current password)
 * in the last LOCKOUT_MINUTES since its last successful login. Counted from the audit log, so every API replica sees the same count; unknown usernames lock too, so the
 * answer does not tell which names exist.
 */
export async function isLockedOut(em: EntityManager, username: string): Promise<boolean> {
  const [row] = await runSql<{ n: number }>(em,
    `select count(*)::int as n from audit_entries f
      where f.entity = 'session' and f.actor = $1 and f.action in ('login_failed', 'password_change_failed') and f.at > now() - make_interval(mins => $2::int)
        and f.at > coalesce((select max(l.at) from audit_entries l where l.entity = 'session' and l.actor = $1 and l.action = 'login'), '-infinity')`,
    [username, LOCKOUT_MINUTES]);
  return row.n >= LOCKOUT_FAILURES;
}
