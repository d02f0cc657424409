import type { EntityManager } from '@mikro-orm/postgresql';
import { TaskEntity, type Task } from './entities.js';
import { DomainError } from '../domain/errors.js';
import { scopeCondition, filterConditions, orderBy, type InboxFilter, type SqlFragment } from './inbox-query.js';

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
  onBehalfOf: string | null;
  reassignedFrom: string | null;
  dueAt: string | null;
  createdAt: string;
  completedAt: string | null;
}

export function toTaskDto(t: Task): TaskDto {
  return {
    id: t.id, kind: t.kind, title: t.title, processId: t.processId, process: t.process, entity: t.entity,
    recordId: t.recordId, stepId: t.stepId, requester: t.requester, assignee: t.assignee ?? null,
    candidates: t.candidates, status: t.status, outcome: t.outcome ?? null, decidedBy: t.decidedBy ?? null,
    comment: t.comment ?? null, routing: t.routing, onBehalfOf: t.onBehalfOf ?? null, reassignedFrom: t.reassignedFrom ?? null, dueAt: t.dueAt?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(), completedAt: t.completedAt?.toISOString() ?? null,
  };
}

export type { InboxScope, InboxFilter } from './inbox-query.js';

/** A task's inbox row as the workflow opens it. */
export type TaskProjection = Pick<TaskDto, 'id' | 'title' | 'processId' | 'process' | 'entity' | 'recordId' | 'stepId' | 'requester'
  | 'assignee' | 'candidates' | 'routing' | 'dueAt' | 'createdAt'> & {
  kind: 'approval' | 'task';
  workflowId: string;
  /** User tasks: the form (JSON Schema + ui) and the answers the task takes. */
  form?: { schema: Record<string, unknown>; ui?: Record<string, unknown> } | null;
  outcomes?: string[] | null;
};

/** Writes a task's inbox row as the workflow opened it; a retried call finds it there. Inside the manager's transaction, if any. */
export async function insertOpenTask(em: EntityManager, task: TaskProjection): Promise<void> {
  await em.getConnection().execute(
    `insert into tasks (id, kind, title, workflow_id, process_id, process, entity, record_id, step_id, requester,
       assignee, candidates, status, routing, due_at, created_at, form, outcomes)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, 'open', ?::jsonb, ?, ?, ?::jsonb, ?::jsonb)
     on conflict (id) do nothing`,
    [task.id, task.kind, task.title, task.workflowId, task.processId, task.process, task.entity, task.recordId,
      task.stepId, task.requester, task.assignee, JSON.stringify(task.candidates), JSON.stringify(task.routing),
      task.dueAt, task.createdAt, task.form ? JSON.stringify(task.form) : null, task.outcomes ? JSON.stringify(task.outcomes) : null],
    'run', em.getTransactionContext(),
  );
}

export interface InboxCounts {
  mine: number;
  candidate: number;
  delegated: number;
  overdue: number;
}

export class TaskRepository {
  constructor(private readonly em: EntityManager) {}

  async get(id: string): Promise<Task> {
    const task = await this.em.findOne(TaskEntity, { id });
    if (!task) throw new DomainError('NOT_FOUND', `task ${id} does not exist`);
    return task;
  }

  /** Open tasks in one scope of the caller's inbox, filtered and sorted. */
  async inbox(username: string, filter: InboxFilter, delegators: string[], now = new Date()): Promise<Task[]> {
    const scope = scopeCondition(filter.scope, username, delegators);
    const extra = filterConditions(filter, now);
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 500);
    const rows = await this.em.getConnection().execute(
      `select t.id from tasks t where ${scope.where} and ${extra.where} order by ${orderBy(filter.sort)} limit ${limit}`,
      [...scope.params, ...extra.params],
    );
    const ids = (rows as { id: string }[]).map((r) => r.id);
    if (!ids.length) return [];
    const tasks = await this.em.find(TaskEntity, { id: { $in: ids } });
    const order = new Map(ids.map((id, i) => [id, i]));
    return tasks.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  }

  /** The four inbox counts in one statement: candidate and overdue are parts of mine; delegated is beside it. */
  async counts(username: string, delegators: string[], now = new Date()): Promise<InboxCounts> {
    const part = (s: SqlFragment) => ({ where: `(${s.where})`, params: s.params });
    const mine = part(scopeCondition('mine', username, delegators));
    const candidate = part(scopeCondition('candidate', username, delegators));
    const delegated = part(scopeCondition('delegated', username, delegators));
    const overdue = part(filterConditions({ scope: 'mine', overdue: true }, now));
    const rows = await this.em.getConnection().execute(
      `select count(*) filter (where ${mine.where})::int as mine, count(*) filter (where ${candidate.where})::int as candidate,
         count(*) filter (where ${delegated.where})::int as delegated, count(*) filter (where ${mine.where} and ${overdue.where})::int as overdue
       from tasks t where ${mine.where} or ${delegated.where}`,
      [...mine.params, ...candidate.params, ...delegated.params, ...mine.params, ...overdue.params, ...mine.params, ...delegated.params],
    );
    return (rows as InboxCounts[])[0];
  }
}
