import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { ProcessInstanceEntity } from '../../db/entities.js';
import { DomainError } from '../../domain/errors.js';
import { startProcessRun } from '../../temporal/process-start.js';
import { processView, reconcile } from '../services/process-view.js';
import { assertRunAccess, visibleRunsCondition } from '../policy/process-access.js';
import { policyOf } from '../policy/hook.js';
import { finalizeRun } from '../../db/process-final.js';
import { AnyObject, errors, idParam, Nullable, OpaqueObject, page, processStatusSchema, processSummarySchema, StringEnum, taskSchema } from './schemas.js';

const processName = Type.String({ minLength: 1, maxLength: 100 });
const entityName = Type.String({ minLength: 1, maxLength: 63 });
const comment = Type.String({ maxLength: 2000 });

const startBody = Type.Object({
  process: processName, entity: entityName, recordId: Type.String({ format: 'uuid' }), input: Type.Optional(AnyObject()),
}, { additionalProperties: false });

const listQuery = Type.Object({
  entity: Type.Optional(Type.String({ maxLength: 63 })), recordId: Type.Optional(Type.String({ format: 'uuid' })),
  process: Type.Optional(Type.String({ maxLength: 100 })), status: Type.Optional(StringEnum(['running', 'completed', 'failed', 'cancelled'])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })), cursor: Type.Optional(Type.String({ maxLength: 500 })),
}, { additionalProperties: false });

/** The contract's process run: its summary, the live steps, the timeline and its tasks (services/process-view.ts). */
const processRunSchema = Type.Object({
  ...processSummarySchema.properties,
  configHash: Type.String(), parentId: Nullable(Type.String()), error: Type.Unsafe<unknown>({ type: ['object', 'null'], additionalProperties: true }),
  currentStep: Nullable(Type.String()), currentSteps: Type.Array(Type.String()), listening: Type.Array(Type.Unknown()),
  variables: OpaqueObject(), timeline: Type.Array(OpaqueObject()), tasks: Type.Array(OpaqueObject()), openTasks: Type.Array(taskSchema),
}, { additionalProperties: true });
const cancelBody = Type.Unsafe<{ reason?: string } | null>({ type: ['object', 'null'], additionalProperties: false, properties: { reason: comment } });
const recallBody = Type.Object({ comment: Type.Optional(comment) }, { additionalProperties: false });

/** Cursor of the list, newest first: the last item's start time and id. */
const encodeCursor = (at: Date, id: string) => Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && !Number.isNaN(Date.parse(value[0])) && typeof value[1] === 'string') return value as [string, string];
  } catch { /* refused below */ }
  throw new DomainError('VALIDATION_FAILED', 'invalid cursor', [{ path: '/cursor', message: 'not a cursor of this list' }]);
}

export default async function processRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['processes'];
  const load = async (id: string) => {
    const em = app.deps.orm.em.fork();
    const instance = await em.findOne(ProcessInstanceEntity, { id });
    if (!instance) throw new DomainError('NOT_FOUND', `process ${id} does not exist`);
    return { em, instance };
  };

  app.post('/api/processes', {
    schema: { tags, body: startBody, response: { 201: processStatusSchema, ...errors(404, 409, 422) } },
  }, async (request, reply) => {
    const { process, entity, recordId, input } = request.body;
    const started = await startProcessRun(app.deps, { process, entity, recordId, input, requester: request.user.username });
    return reply.status(201).send(started);
  });

  app.get('/api/processes', {
    schema: { tags, querystring: listQuery, response: { 200: page(OpaqueObject({ properties: processSummarySchema.properties })), ...errors(422) } },
  }, async (request) => {
    const q = request.query;
    const limit = q.limit ?? 50;
    const where: string[] = [];
    const params: unknown[] = [];
    for (const [column, value] of [['entity', q.entity], ['record_id', q.recordId], ['process', q.process], ['status', q.status]] as const) {
      if (value !== undefined) {
        where.push(`p.${column} = ?`);
        params.push(value);
      }
    }
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor);
      where.push('(p.started_at, p.id) < (?, ?)');
      params.push(at, id);
    }
    const visible = visibleRunsCondition(request.user, await policyOf(app, request));
    where.push(visible.sql);
    params.push(...visible.params);
    const rows = await app.deps.orm.em.fork().getConnection().execute<Record<string, unknown>[]>(
      `select p.id, p.process, p.entity, p.record_id, p.status, p.outcome, p.config_version, p.started_by, p.started_at, p.ended_at
         from process_instances p where ${where.join(' and ')} order by p.started_at desc, p.id desc limit ?`, [...params, limit + 1]);
    const items = rows.slice(0, limit).map((r) => ({
      id: r.id, process: r.process, entity: r.entity, recordId: r.record_id, status: r.status, outcome: r.outcome ?? null, configVersion: r.config_version,
      startedBy: r.started_by, startedAt: new Date(r.started_at as string).toISOString(), endedAt: r.ended_at ? new Date(r.ended_at as string).toISOString() : null,
    }));
    const last = rows[limit - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(new Date(last.started_at as string), last.id as string) : null };
  });

  app.get('/api/processes/:id', { schema: { tags, params: idParam, response: { 200: processRunSchema, ...errors(404) } } }, async (request) => {
    const { em, instance } = await load(request.params.id);
    await assertRunAccess(em, request.user, instance, await policyOf(app, request));
    return processView(app.deps, em, await reconcile(app.deps, em, instance));
  });

  app.post('/api/processes/:id/cancel', {
    schema: { tags, params: idParam, body: cancelBody, response: { 200: processStatusSchema, ...errors(404, 409) } },
  }, async (request) => {
    const { em, instance } = await load(request.params.id);
    await assertRunAccess(em, request.user, instance);
    if (instance.status !== 'running') throw new DomainError('CONFLICT', `process ${instance.id} has ended (${instance.status})`);
    await app.deps.flow.cancel(instance.id);
    // The run finalizes itself; this covers a run whose worker is down, so the caller's answer is final either way.
    await finalizeRun(app.deps.orm.em.fork(), {
      processId: instance.id, workflowId: instance.id, status: 'cancelled', outcome: null,
      error: { code: 'CANCELLED', message: request.body?.reason ?? `cancelled by ${request.user.username}` },
    });
    const ended = await em.fork().findOne(ProcessInstanceEntity, { id: instance.id });
    return { id: instance.id, status: ended?.status ?? 'cancelled' };
  });

  app.post('/api/processes/:id/recall', {
    schema: { tags, params: idParam, body: recallBody, response: { 200: AnyObject({ description: 'The recalled approval' }), ...errors(404, 409) } },
  }, async (request) => {
    const { instance } = await load(request.params.id);
    if (instance.startedBy !== request.user.username) throw new DomainError('FORBIDDEN', 'only the requester can recall a request');
    const live = instance.status === 'running' ? await app.deps.flow.processState(instance.id) : null;
    if (!live?.currentStep) throw new DomainError('CONFLICT', 'nothing is pending approval');
    const approvalId = live.approvals?.[live.currentStep] ?? `${instance.id}:${live.currentStep}`;
    return app.deps.flow.recall(approvalId, { actor: request.user.username, comment: request.body?.comment });
  });
}
