import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../domain/errors.js';
import { passwordProblems } from '../domain/access/password-policy.js';
import { runSql } from './record-sql.js';
import { addAudit, recordAuditEvent } from './audit.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { endSessions } from './sessions.js';
import { isLockedOut, LOCKOUT_MINUTES } from './lockout.js';

function assertAcceptable(password: string, path: string, context: { username: string; current?: string }): void {
  const problems = passwordProblems(password, path, context);
  if (problems.length) throw new DomainError('WEAK_PASSWORD', 'the new password does not meet the password policy', problems);
}

/** Sets the hash and ends the user's other sessions in one transaction with its audit entry. */
async function storePassword(em: EntityManager, username: string, password: string, keepSession: string | undefined,
  audit: { action: string; actor: string; ip: string }): Promise<void> {
  const hash = await hashPassword(password);
  await em.fork().transactional(async (tx) => {
    const updated = await runSql(tx, 'update users set password_hash = $2 where username = $1 returning username', [username, hash]);
    if (!updated.length) throw new DomainError('NOT_FOUND', `no user ${username}`, [{ path: '/params/username', message: 'unknown user' }]);
    const sessionsEnded = await endSessions(tx, username, keepSession);
    addAudit(tx, { entity: 'user', action: audit.action, actor: audit.actor, changes: { username, sessionsEnded }, context: { ip: audit.ip } });
    await tx.flush();
  });
}

/**
 * The signed-in user changes their own password: the current one must be right (a wrong one counts towards the
 * login lockout and is audited), the new one must meet the policy; every other session of the user ends.
 */
export async function changePassword(em: EntityManager, username: string, input: { currentPassword: string; newPassword: string },
  context: { session?: string; ip: string }): Promise<void> {
  if (await isLockedOut(em.fork(), username)) throw new DomainError('ACCOUNT_LOCKED', `too many failed attempts: try again in ${LOCKOUT_MINUTES} minutes`);
  const [user] = await runSql<{ hash: string }>(em.fork(), 'select password_hash as hash from users where username = $1 and active', [username]);
  if (!user || !(await verifyPassword(input.currentPassword, user.hash))) {
    await recordAuditEvent(em, { entity: 'session', action: 'password_change_failed', actor: username, context: { ip: context.ip } });
    throw new DomainError('INVALID_CURRENT_PASSWORD', 'the current password is wrong', [{ path: '/currentPassword', message: 'wrong password' }]);
  }
  assertAcceptable(input.newPassword, '/newPassword', { username, current: input.currentPassword });
  await storePassword(em, username, input.newPassword, context.session, { action: 'password_change', actor: username, ip: context.ip });
}

/** An admin sets another user's password (a reset): every session of that user ends, but the admin's own. */
export async function resetPassword(em: EntityManager, username: string, newPassword: string, actor: { username: string; session?: string; ip: string }): Promise<void> {
  assertAcceptable(newPassword, '/newPassword', { username });
  await storePassword(em, username, newPassword, actor.username === username ? actor.session : undefined,
    { action: 'password_reset', actor: actor.username, ip: actor.ip });
}
