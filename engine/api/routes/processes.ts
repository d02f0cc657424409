import type { FastifyInstance } from 'fastify';
import { ProcessInstanceEntity } from '../../db/entities.js';
import { TaskEntity } from '../../db/entities.js';
import { toTaskDto } from '../../db/tasks.js';
import { DomainError } from '../../domain/errors.js';
import { startProcessRun } from '../services/process-start.js';
import { errors, idParam } from './schemas.js';
import { inboxItem } from './tasks.js';

interface StartBody { process: string; entity: string; recordId: string; input?: Record<string, unknown> }

const startBody = {
  type: 'object', required: ['process', 'entity', 'recordId'], additionalProperties: false,
  properties: {
    process: { type: 'string', minLength: 1, maxLength: 100 },
    entity: { type: 'string', minLength: 1, maxLength: 63 },
    recordId: { type: 'string', format: 'uuid' },
    input: { type: 'object', additionalProperties: true },
  },
} as const;

export default async function processRoutes(app: FastifyInstance) {
  const tags = ['processes'];

  app.post<{ Body: StartBody }>('/api/processes', {
    schema: { tags, body: startBody, response: { 201: { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string' } } }, ...errors(404, 409, 422) } },
  }, async (request, reply) => {
    const { process, entity, recordId, input } = request.body;
    const started = await startProcessRun(app.deps, { process, entity, recordId, input, requester: request.user.username });
    return reply.status(201).send(started);
  });

  app.get<{ Params: { id: string } }>('/api/processes/:id', { schema: { tags, params: idParam, response: errors(404) } }, async (request) => {
    const em = app.deps.orm.em.fork();
    const instance = await em.findOne(ProcessInstanceEntity, { id: request.params.id });
    if (!instance) throw new DomainError('NOT_FOUND', `process ${request.params.id} does not exist`);
    const running = instance.status === 'running';
    const live = running ? await app.deps.flow.processState(instance.id) : null;
    const approvals = running && live?.currentStep ? await app.deps.flow.approvalState(`${instance.id}:${live.currentStep}`) : null;
    const tasks = await em.find(TaskEntity, { processId: instance.id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    const timeline = [...(live?.timeline ?? (instance.timeline as object[])), ...(approvals?.timeline ?? [])];
    return {
      id: instance.id, process: instance.process, entity: instance.entity, recordId: instance.recordId,
      status: instance.status, configVersion: instance.configVersion, configHash: instance.configHash,
      startedBy: instance.startedBy, startedAt: instance.startedAt.toISOString(), endedAt: instance.endedAt?.toISOString() ?? null,
      currentStep: live?.currentStep ?? null, timeline,
      tasks: tasks.map((t) => ({ ...inboxItem(toTaskDto(t)), routing: t.routing, decidedBy: t.decidedBy ?? null, outcome: t.outcome ?? null, comment: t.comment ?? null })),
      openTasks: tasks.filter((t) => t.status === 'open' || t.status === 'claimed').map((t) => inboxItem(toTaskDto(t))),
    };
  });

  app.post<{ Params: { id: string }; Body: { comment?: string } }>('/api/processes/:id/recall', {
    schema: { tags, params: idParam, body: { type: 'object', additionalProperties: false, properties: { comment: { type: 'string', maxLength: 2000 } } }, response: errors(403, 404, 409) },
  }, async (request) => {
    const instance = await app.deps.orm.em.fork().findOne(ProcessInstanceEntity, { id: request.params.id });
    if (!instance) throw new DomainError('NOT_FOUND', `process ${request.params.id} does not exist`);
    if (instance.startedBy !== request.user.username) throw new DomainError('FORBIDDEN', 'only the requester can recall a request');
    const live = instance.status === 'running' ? await app.deps.flow.processState(instance.id) : null;
    if (!live?.currentStep) throw new DomainError('CONFLICT', 'nothing is pending approval');
    return app.deps.flow.recall(`${instance.id}:${live.currentStep}`, { actor: request.user.username, comment: request.body?.comment });
  });

  app.post<{ Params: { id: string; name: string }; Body: unknown }>('/api/processes/:id/events/:name', {
    schema: { tags, params: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9_.-]{0,62}$' } } }, response: errors(404) },
  }, async (request, reply) => {
    const instance = await app.deps.orm.em.fork().findOne(ProcessInstanceEntity, { id: request.params.id });
    if (!instance) throw new DomainError('NOT_FOUND', `process ${request.params.id} does not exist`);
    if (instance.status !== 'running') throw new DomainError('CONFLICT', `process ${request.params.id} has ended`);
    await app.deps.flow.signalEvent(instance.id, request.params.name, request.body ?? null);
    return reply.status(202).send({ accepted: true });
  });
}
