import type { EntityManager } from '@mikro-orm/postgresql';
import { TaskEntity, type Task } from './entities.js';
import { DomainError } from '../domain/errors.js';

export interface TaskDto {
  id: string;
  kind: string;
  title: string;
  processId: string;
  process: string;
  entity: string;
  recordId: string;
  stepId: string;
  requester: string;
  assignee: string | null;
  candidates: string[];
  status: string;
  outcome: string | null;
  decidedBy: string | null;
  comment: string | null;
  routing: unknown[];
  dueAt: string | null;
  createdAt: string;
  completedAt: string | null;
}

export function toTaskDto(t: Task): TaskDto {
  return {
    id: t.id, kind: t.kind, title: t.title, processId: t.processId, process: t.process, entity: t.entity,
    recordId: t.recordId, stepId: t.stepId, requester: t.requester, assignee: t.assignee ?? null,
    candidates: t.candidates, status: t.status, outcome: t.outcome ?? null, decidedBy: t.decidedBy ?? null,
    comment: t.comment ?? null, routing: t.routing, dueAt: t.dueAt?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(), completedAt: t.completedAt?.toISOString() ?? null,
  };
}

export type InboxScope = 'mine' | 'candidate' | 'all';

export class TaskRepository {
  constructor(private readonly em: EntityManager) {}

  async get(id: string): Promise<Task> {
    const task = await this.em.findOne(TaskEntity, { id });
    if (!task) throw new DomainError('NOT_FOUND', `task ${id} does not exist`);
    return task;
  }

  /** Open tasks the user may act on. `mine`: assigned to them or offered to them; `candidate`: offered, unclaimed. */
  async inbox(username: string, scope: InboxScope, limit = 100): Promise<Task[]> {
    const conn = this.em.getConnection();
    const open = `status in ('open', 'claimed')`;
    const where =
      scope === 'all' ? open
      : scope === 'candidate' ? `${open} and assignee is null and candidates @> ?::jsonb`
      : `${open} and (assignee = ? or (assignee is null and candidates @> ?::jsonb))`;
    const params = scope === 'all' ? [] : scope === 'candidate' ? [JSON.stringify([username])] : [username, JSON.stringify([username])];
    const rows = await conn.execute(`select id from tasks where ${where} order by created_at desc, id limit ${Number(limit)}`, params);
    const ids = (rows as { id: string }[]).map((r) => r.id);
    if (!ids.length) return [];
    const tasks = await this.em.find(TaskEntity, { id: { $in: ids } });
    const order = new Map(ids.map((id, i) => [id, i]));
    return tasks.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  }
}
