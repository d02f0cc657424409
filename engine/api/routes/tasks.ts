import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { TaskRepository, toTaskDto, type TaskDto } from '../../db/tasks.js';
import { DelegationRepository } from '../../db/delegations.js';
import { UserRepository } from '../../db/users.js';
import { LockMode } from '@mikro-orm/postgresql';
import { TaskEntity, type Task } from '../../db/entities.js';
import { RecordRepository } from '../../db/records.js';
import { DomainError } from '../../domain/errors.js';
import { untilRunKnowsTask } from '../services/run-catch-up.js';
import { checkTaskForm } from '../../domain/process/task-form.js';
import { AnyObject, errors, historyEntrySchema, idParam, Nullable, StringEnum, taskSchema } from './schemas.js';

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

const comment = Type.String({ maxLength: 2000 });

const completeBody = Type.Object({
  outcome: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  data: Type.Optional(AnyObject()),
  comment: Type.Optional(comment),
}, { additionalProperties: false });

const delegateBody = Type.Object({ to: Type.String({ minLength: 1, maxLength: 100 }), comment: Type.Optional(comment) }, { additionalProperties: false });

const inboxQuery = Type.Object({
  scope: Type.Optional(StringEnum(['mine', 'candidate', 'delegated', 'all'], { default: 'mine' })),
  process: Type.Optional(Type.String({ maxLength: 100 })), entity: Type.Optional(Type.String({ maxLength: 63 })),
  overdue: Type.Optional(Type.Boolean()), dueBefore: Type.Optional(Type.String({ format: 'date-time' })),
  sort: Type.Optional(StringEnum(['createdAt', '-createdAt', 'dueAt', '-dueAt'])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
}, { additionalProperties: false });

const inboxResponse = Type.Object({
  items: Type.Array(taskSchema),
  counts: Type.Object({ mine: Type.Integer(), candidate: Type.Integer(), delegated: Type.Integer(), overdue: Type.Integer() }),
});

/** One task as its page shows it: the inbox item, its decision, its form and the record with its history. */
const taskDetail = Type.Object({
  ...taskSchema.properties,
  userTask: Type.Boolean({ description: 'a process user task: answered with its own form and outcomes' }),
  formSchema: AnyObject(), formUi: Nullable(Type.Object({}, { additionalProperties: true })), outcomes: Type.Array(Type.String()),
  record: Type.Unsafe<unknown>({ type: ['object', 'null'], additionalProperties: true }),
  history: Type.Array(historyEntrySchema),
});

const decided = Type.Object({ id: Type.String(), status: Type.String(), outcome: Type.Optional(Nullable(Type.String())) });
const delegated = Type.Object({ id: Type.String(), candidates: Type.Array(Type.String()) });

type CompleteBody = Static<typeof completeBody>;

const bulkBody = Type.Object({
  ids: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 100 }),
  comment: Type.Optional(Type.String({ maxLength: 2000, description: 'The reason kept with every approval' })),
}, { additionalProperties: false });

const bulkItem = Type.Object({
  id: Type.String(), ok: Type.Boolean(), status: Type.Optional(Type.String()), outcome: Type.Optional(Nullable(Type.String())),
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
});

/** Bulk approval takes approvals only: a user task's answers are its own form. */
function approvalsOnly(task: Task): void {
  if (task.kind !== 'approval' || task.outcomes !== null) {
    throw new DomainError('VALIDATION_FAILED', `task ${task.id} is not an approval: open it to answer its form`, [{ path: '/ids', message: 'approvals only' }]);
  }
}

export default async function taskRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['inbox'];
  const repo = () => new TaskRepository(app.deps.orm.em.fork());

  app.get('/api/inbox', {
    schema: { tags, querystring: inboxQuery, response: { 200: inboxResponse, ...errors(422) } },
  }, async (request) => {
    const scope = request.query.scope ?? 'mine';
    if (scope === 'all' && !request.user.roles.includes('admin')) throw new DomainError('FORBIDDEN', 'scope=all is for admins');
    const em = app.deps.orm.em.fork();
    const delegators = (await new DelegationRepository(em).activeTo(request.user.username)).map((d) => d.from);
    const tasks = new TaskRepository(em);
    const [items, counts] = await Promise.all([tasks.inbox(request.user.username, { ...request.query, scope }, delegators), tasks.counts(request.user.username, delegators)]);
    return { items: items.map((t) => inboxItem(toTaskDto(t))), counts };
  });

  app.get('/api/tasks/:id', { schema: { tags, params: idParam, response: { 200: taskDetail, ...errors(404) } } }, async (request) => {
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
      routing: task.routing,
      // A user task answers its own form (none: only an outcome); approvals and reminders the decision form of their kind.
      userTask: row.outcomes !== null, formSchema: row.form?.schema ?? (row.outcomes !== null ? { type: 'object', properties: {} } : formSchema(task.kind)),
      formUi: row.form?.ui ?? null, outcomes: outcomesOf(row), record, history: record ? await records.history(task.entity, task.recordId) : [],
    };
  });

  /** Decides one task as `actor` (the workflow checks who may decide and applies the chain's rules). */
  async function complete(id: string, actor: string, body: CompleteBody, only?: (task: Task) => void) {
    const task = await repo().get(id);
    // The row is a projection the run writes while it takes a decision; a worker killed after that write but before
    // the run committed the decision leaves the row decided and the run still waiting. So the run, not the row, says
    // whether the task is decided: the decision goes to it, and its refusal is the answer.
    const decidedInRow = task.status === 'completed' || task.status === 'cancelled';
    if (task.status === 'claimed' && task.assignee !== actor) throw new DomainError('CONFLICT', `task ${task.id} is claimed by ${task.assignee}`);
    only?.(task);
    const userTask = task.outcomes !== null;
    const allowed = outcomesOf(task);
    const outcome = body.outcome ?? (userTask ? (allowed.length === 1 ? allowed[0] : undefined) : body.data?.outcome as string | undefined);
    if (!outcome || !allowed.includes(outcome)) {
      throw new DomainError('VALIDATION_FAILED', `this task takes one of: ${allowed.join(', ')}`, [{ path: '/outcome', message: `must be one of ${allowed.join(', ')}` }]);
    }
    const data = body.data ?? {};
    if (userTask && task.form) {
      const problems = checkTaskForm(task.form.schema, data);
      if (problems.length) throw new DomainError('VALIDATION_FAILED', 'the form data is invalid', problems);
    }
    const comment = body.comment ?? (userTask ? undefined : body.data?.comment as string | undefined);
    const delegations = await new DelegationRepository(app.deps.orm.em.fork()).activeTo(actor);
    const result = await untilRunKnowsTask(!decidedInRow, () => app.deps.flow.decide(task.workflowId, {
      taskId: task.id, actor, outcome, comment, ...(userTask ? { data } : {}),
      delegations: delegations.map(({ from, to, startsAt, endsAt }) => ({ from, to, startsAt, endsAt })),
    })).catch((error: unknown) => {
      // a run that moved on no longer knows the task it decided
      if (decidedInRow && error instanceof DomainError && error.code === 'NOT_FOUND') throw new DomainError('TASK_ALREADY_DECIDED', `task ${task.id} is ${task.status}`);
      throw error;
    });
    return { id: task.id, status: result.status, outcome: result.outcome };
  }

  app.post('/api/tasks/:id/complete', {
    schema: { tags, params: idParam, body: completeBody, response: { 200: decided, ...errors(404, 409, 422) } },
  }, async (request) => complete(request.params.id, request.user.username, request.body));

  /**
   * Approves several approvals at once (decision 0083): each is decided on its own, as if completed one by one, so a
   * chain's rules (self-approval, separation of duties, who may decide) still hold per task; the answer lists every
   * task's result. User tasks and tasks of another kind have their own form and are refused here.
   */
  app.post('/api/tasks/bulk-approve', {
    schema: { tags, body: bulkBody, response: { 200: Type.Object({ items: Type.Array(bulkItem) }), ...errors(422) } },
  }, async (request) => {
    const ids = [...new Set(request.body.ids)];
    const items = [];
    for (const id of ids) {
      try {
        items.push({ ...await complete(id, request.user.username, { outcome: 'approve', comment: request.body.comment }, approvalsOnly), ok: true });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        items.push({ id, ok: false, error: { code: error.code, message: error.message } });
      }
    }
    return { items };
  });

  app.post('/api/tasks/:id/delegate', {
    schema: { tags, params: idParam, body: delegateBody, response: { 200: delegated, ...errors(404, 409, 422) } },
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
    app.post(`/api/tasks/:id/${action}`, { schema: { tags, params: idParam, response: { 200: taskSchema, ...errors(404, 409) } } }, async (request) => {
      const em = app.deps.orm.em.fork();
      const owned = await em.findOne(TaskEntity, { id: request.params.id });
      if (owned?.outcomes) {
        // a user task belongs to its process run, which also times its acceptance
        const open = owned.status === 'open' || owned.status === 'claimed';
        const result = await untilRunKnowsTask(open, () => app.deps.flow.claim(owned.workflowId, { taskId: owned.id, actor: request.user.username }, action === 'claim'));
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
