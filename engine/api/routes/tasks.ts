import type { FastifyInstance } from 'fastify';
import { TaskRepository, toTaskDto, type TaskDto, type InboxScope, type InboxFilter } from '../../db/tasks.js';
import { DelegationRepository } from '../../db/delegations.js';
import { UserRepository } from '../../db/users.js';
import { LockMode } from '@mikro-orm/postgresql';
import { TaskEntity } from '../../db/entities.js';
import { RecordRepository } from '../../db/records.js';
import { DomainError } from '../../domain/errors.js';
import { checkTaskForm } from '../../domain/process/task-form.js';
import { errors, idParam, taskSchema } from './schemas.js';

/** The contract's inbox item / task shape. */
export function inboxItem(t: TaskDto) {
  return {
    id: t.id, kind: t.kind, title: t.title, processId: t.processId, process: t.process, entity: t.entity,
    recordId: t.recordId, step: t.stepId, requester: t.requester, assignee: t.assignee, candidates: t.candidates,
    status: t.status, dueAt: t.dueAt, createdAt: t.createdAt,
  };
}

const outcomesByKind: Record<string, string[]> = {
  approval: ['approve', 'reject', 'request_changes'],
  task: ['resubmit', 'withdraw'],
};

function formSchema(kind: string) {
  return {
    type: 'object',
    required: ['outcome'],
    properties: {
      outcome: { type: 'string', enum: outcomesByKind[kind] ?? outcomesByKind.approval, title: 'Decision' },
      comment: { type: 'string', maxLength: 2000, title: 'Comment' },
    },
  };
}

/** The answers a task takes: its own list (user tasks), else those of its kind. */
function outcomesOf(task: { kind: string; outcomes?: string[] | null }): string[] {
  return task.outcomes ?? outcomesByKind[task.kind] ?? outcomesByKind.approval;
}

const completeBody = {
  type: 'object', additionalProperties: false,
  properties: {
    outcome: { type: 'string', minLength: 1, maxLength: 100 },
    data: { type: 'object', additionalProperties: true },
    comment: { type: 'string', maxLength: 2000 },
  },
} as const;

export default async function taskRoutes(app: FastifyInstance) {
  const tags = ['inbox'];
  const repo = () => new TaskRepository(app.deps.orm.em.fork());

  app.get<{ Querystring: Omit<InboxFilter, 'scope'> & { scope?: InboxScope } }>('/api/inbox', {
    schema: {
      tags,
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          scope: { type: 'string', enum: ['mine', 'candidate', 'delegated', 'all'], default: 'mine' },
          process: { type: 'string', maxLength: 100 }, entity: { type: 'string', maxLength: 63 },
          overdue: { type: 'boolean' }, dueBefore: { type: 'string', format: 'date-time' },
          sort: { type: 'string', enum: ['createdAt', '-createdAt', 'dueAt', '-dueAt'] },
          limit: { type: 'integer', minimum: 1, maximum: 500 },
        },
      },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: taskSchema }, counts: { type: 'object', additionalProperties: { type: 'integer' } } } }, ...errors(403, 422) },
    },
  }, async (request) => {
    const scope = request.query.scope ?? 'mine';
    if (scope === 'all' && !request.user.roles.includes('admin')) throw new DomainError('FORBIDDEN', 'scope=all is for admins');
    const em = app.deps.orm.em.fork();
    const delegators = (await new DelegationRepository(em).activeTo(request.user.username)).map((d) => d.from);
    const tasks = new TaskRepository(em);
    const [items, counts] = await Promise.all([tasks.inbox(request.user.username, { ...request.query, scope }, delegators), tasks.counts(request.user.username, delegators)]);
    return { items: items.map((t) => inboxItem(toTaskDto(t))), counts };
  });

  app.get<{ Params: { id: string } }>('/api/tasks/:id', { schema: { tags, params: idParam, response: errors(403, 404) } }, async (request) => {
    const em = app.deps.orm.em.fork();
    const task = toTaskDto(await new TaskRepository(em).get(request.params.id));
    const me = request.user.username;
    const row = await em.findOneOrFail(TaskEntity, { id: task.id });
    const involved = task.candidates.includes(me) || task.assignee === me || task.requester === me || task.decidedBy === me || request.user.roles.includes('admin');
    if (!involved) throw new DomainError('FORBIDDEN', 'this task is not yours');
    const records = new RecordRepository(em);
    const record = await records.get(task.entity, task.recordId).catch(() => null);
    return {
      ...inboxItem(task), outcome: task.outcome, decidedBy: task.decidedBy, comment: task.comment, completedAt: task.completedAt,
      routing: task.routing, formSchema: row.form?.schema ?? formSchema(task.kind), formUi: row.form?.ui ?? null, outcomes: outcomesOf(row), record, history: record ? await records.history(task.entity, task.recordId) : [],
    };
  });

  app.post<{ Params: { id: string }; Body: { outcome?: string; data?: Record<string, unknown>; comment?: string } }>('/api/tasks/:id/complete', {
    schema: { tags, params: idParam, body: completeBody, response: errors(403, 404, 409, 422) },
  }, async (request) => {
    const task = await repo().get(request.params.id);
    if (task.status === 'completed' || task.status === 'cancelled') throw new DomainError('TASK_ALREADY_DECIDED', `task ${task.id} is ${task.status}`);
    if (task.status === 'claimed' && task.assignee !== request.user.username) throw new DomainError('CONFLICT', `task ${task.id} is claimed by ${task.assignee}`);
    const userTask = task.outcomes !== null;
    const allowed = outcomesOf(task);
    const outcome = request.body.outcome ?? (userTask ? (allowed.length === 1 ? allowed[0] : undefined) : request.body.data?.outcome as string | undefined);
    if (!outcome || !allowed.includes(outcome)) {
      throw new DomainError('VALIDATION_FAILED', `this task takes one of: ${allowed.join(', ')}`, [{ path: '/outcome', message: `must be one of ${allowed.join(', ')}` }]);
    }
    const data = request.body.data ?? {};
    if (userTask && task.form) {
      const problems = checkTaskForm(task.form.schema, data);
      if (problems.length) throw new DomainError('VALIDATION_FAILED', 'the form data is invalid', problems);
    }
    const comment = request.body.comment ?? (userTask ? undefined : request.body.data?.comment as string | undefined);
    const delegations = await new DelegationRepository(app.deps.orm.em.fork()).activeTo(request.user.username);
    const result = await app.deps.flow.decide(task.workflowId, {
      taskId: task.id, actor: request.user.username, outcome, comment, ...(userTask ? { data } : {}),
      delegations: delegations.map(({ from, to, startsAt, endsAt }) => ({ from, to, startsAt, endsAt })),
    });
    return { id: task.id, status: result.status, outcome: result.outcome };
  });

  app.post<{ Params: { id: string }; Body: { to: string; comment?: string } }>('/api/tasks/:id/delegate', {
    schema: {
      tags, params: idParam,
      body: { type: 'object', required: ['to'], additionalProperties: false, properties: { to: { type: 'string', minLength: 1, maxLength: 100 }, comment: { type: 'string', maxLength: 2000 } } },
      response: errors(403, 404, 409, 422),
    },
  }, async (request) => {
    const em = app.deps.orm.em.fork();
    const task = await new TaskRepository(em).get(request.params.id);
    if (task.status === 'completed' || task.status === 'cancelled') throw new DomainError('TASK_ALREADY_DECIDED', `task ${task.id} is ${task.status}`);
    if (!(await new UserRepository(em).find(request.body.to))) throw new DomainError('VALIDATION_FAILED', `user ${request.body.to} does not exist`, [{ path: '/to', message: 'unknown user' }]);
    const result = await app.deps.flow.reassign(task.workflowId, {
      taskId: task.id, actor: request.user.username, actorIsAdmin: request.user.roles.includes('admin'), to: request.body.to, comment: request.body.comment,
    });
    return { id: task.id, candidates: result.approvers };
  });

  for (const action of ['claim', 'release'] as const) {
    app.post<{ Params: { id: string } }>(`/api/tasks/:id/${action}`, { schema: { tags, params: idParam, response: errors(403, 404, 409) } }, async (request) => {
      const em = app.deps.orm.em.fork();
      const owned = await em.findOne(TaskEntity, { id: request.params.id });
      if (owned?.outcomes) {
        // a user task belongs to its process run, which also times its acceptance
        const result = await app.deps.flow.claim(owned.workflowId, { taskId: owned.id, actor: request.user.username }, action === 'claim');
        return inboxItem(toTaskDto({ ...owned, assignee: result.assignee, status: result.status }));
      }
      return em.transactional(async (tx) => {
        const task = await tx.findOne(TaskEntity, { id: request.params.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!task) throw new DomainError('NOT_FOUND', `task ${request.params.id} does not exist`);
        const me = request.user.username;
        if (!task.candidates.includes(me)) throw new DomainError('FORBIDDEN', 'you are not a candidate for this task');
        if (task.status !== 'open' && task.status !== 'claimed') throw new DomainError('TASK_ALREADY_DECIDED', `task ${task.id} is ${task.status}`);
        if (action === 'claim') {
          if (task.assignee && task.assignee !== me) throw new DomainError('CONFLICT', `task is claimed by ${task.assignee}`);
          Object.assign(task, { assignee: me, status: 'claimed' });
        } else {
          if (task.assignee !== me) throw new DomainError('CONFLICT', 'only the claimant can release a task');
          Object.assign(task, { assignee: task.candidates.length === 1 ? me : null, status: 'open' });
        }
        await tx.flush();
        return inboxItem(toTaskDto(task));
      });
    });
  }
}
