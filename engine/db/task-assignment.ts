import type { EntityManager } from '@mikro-orm/postgresql';
import type { AssignmentRule } from '../domain/config/process-types.js';

/**
 * Ranks the active holders of a role and / or skill for a task: `leastLoad` by open tasks now, `roundRobin` by the
 * tasks of this process step they were ever given; ties by username, so the ranking is reproducible.
 */
export async function rankCandidates(em: EntityManager, rule: AssignmentRule, process: string, stepId: string): Promise<string[]> {
  return (await candidateLoads(em, rule, process, stepId)).map((r) => r.username);
}

/** The holders a rule ranks, each with the load it ranks by, best first (read-only: the simulation adds its own tasks). */
export async function candidateLoads(em: EntityManager, rule: AssignmentRule, process: string, stepId: string): Promise<{ username: string; load: number }[]> {
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
  const rows = await em.getConnection().execute<{ username: string; load: string | number }[]>(
    `select u.username, ${load} as load from users u where ${where.join(' and ')} order by 2, u.username`,
    [...(rule.pick === 'roundRobin' ? [process, stepId] : []), ...params]);
  return rows.map((r) => ({ username: r.username, load: Number(r.load) }));
}
