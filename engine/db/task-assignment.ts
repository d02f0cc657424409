import type { EntityManager } from '@mikro-orm/postgresql';
import type { AssignmentRule } from '../domain/config/process-types.js';

/**
 * Ranks the active holders of a role and / or skill for a task: `leastLoad` by open tasks now, `roundRobin` by the
 * tasks of this process step they were ever given; ties by username, so the ranking is reproducible.
 */
export async function rankCandidates(em: EntityManager, rule: AssignmentRule, process: string, stepId: string): Promise<string[]> {
  const load = rule.pick === 'leastLoad'
    ? `(select count(*) from tasks t where t.assignee = u.username and t.status in ('open', 'claimed'))`
    : `(select count(*) from tasks t where t.assignee = u.username and t.process = ? and t.step_id = ?)`;
  const params: unknown[] = [];
  const where: string[] = ['u.active'];
  if (rule.role) {
    where.push(`jsonb_exists(u.roles, ?)`);
    params.push(rule.role);
  }
  if (rule.skill) {
    where.push(`jsonb_exists(coalesce(u.attributes->'skills', '[]'::jsonb), ?)`);
    params.push(rule.skill);
  }
  if (rule.pick === 'roundRobin') params.push(process, stepId);
  const rows = await em.getConnection().execute<{ username: string }[]>(
    `select u.username from users u where ${where.join(' and ')} order by ${load}, u.username`, params);
  return rows.map((r) => r.username);
}
