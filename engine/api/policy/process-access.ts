import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthUser } from '../context.js';
import type { ProcessInstance } from '../../db/entities.js';
import { DomainError } from '../../domain/errors.js';
import type { AccessPolicy } from './access.js';

export const isAdmin = (user: AuthUser) => user.roles.includes('admin');

/**
 * Runs the user may see: the ones they started, the ones with a task for them, the ones on a record the user's roles
 * may read, or all for an admin.
 */
export function visibleRunsCondition(user: AuthUser, policy?: AccessPolicy): { sql: string; params: unknown[] } {
  if (isAdmin(user)) return { sql: 'true', params: [] };
  const params: unknown[] = [user.username, user.username, user.username, user.username];
  const add = (value: unknown) => {
    params.push(value);
    return '?';
  };
  const readable = policy ? ` or exists (select 1 from records r where r.id = p.record_id and ${policy.anyEntityReadSql(add, 'r')})` : '';
  return {
    sql: `(p.started_by = ? or exists (select 1 from tasks t where t.process_id = p.id and (t.assignee = ? or jsonb_exists(t.candidates, ?) or t.decided_by = ?))${readable})`,
    params,
  };
}

/** Only the requester, an assignee or candidate of one of the run's tasks, a reader of its record, or an admin may read or act on a run. */
export async function assertRunAccess(em: EntityManager, user: AuthUser, instance: ProcessInstance, policy?: AccessPolicy): Promise<void> {
  if (isAdmin(user) || instance.startedBy === user.username) return;
  const { sql, params } = visibleRunsCondition(user, policy);
  const rows = await em.getConnection().execute(`select 1 from process_instances p where p.id = ? and ${sql}`, [instance.id, ...params]);
  if (!rows.length) throw new DomainError('FORBIDDEN', 'this process is not yours');
}
