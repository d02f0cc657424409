import type { FastifyInstance } from 'fastify';
import { ProcessInstanceEntity } from '../../db/entities.js';
import { DomainError } from '../../domain/errors.js';
import { assertRunAccess } from '../policy/process-access.js';
import { fireTriggers } from '../../temporal/triggers.js';
import type { AppDeps } from '../context.js';
import { errors } from './schemas.js';

const eventName = { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9_.-]{0,62}$' } as const;

/** Delivers to one run; a run started before the interpreter (no deliverEvent handler) gets the old signal. */
async function deliver(deps: AppDeps, processId: string, name: string, payload: unknown): Promise<boolean> {
  try {
    await deps.flow.deliverEvent(processId, name, payload);
    return true;
  } catch (error) {
    if (error instanceof DomainError) {
      if (error.code === 'EVENT_NOT_AWAITED') return false;
      throw error;
    }
    const message = (error as Error).message ?? '';
    if (/handler/i.test(message) && /update/i.test(message)) { // "No registered handler for update: deliverEvent"
      await deps.flow.signalEvent(processId, name, payload);
      return true;
    }
    throw error;
  }
}

export default async function eventRoutes(app: FastifyInstance) {
  const tags = ['events'];
  const accepted = { type: 'object', properties: { delivered: { type: 'array', items: { type: 'string' } }, started: { type: 'array', items: { type: 'string' } } } } as const;

  app.post<{ Params: { id: string; name: string }; Body: unknown }>('/api/processes/:id/events/:name', {
    schema: { tags, params: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string', maxLength: 300 }, name: eventName } }, response: { 202: accepted, ...errors(403, 404, 409) } },
  }, async (request, reply) => {
    const em = app.deps.orm.em.fork();
    const instance = await em.findOne(ProcessInstanceEntity, { id: request.params.id });
    if (!instance) throw new DomainError('NOT_FOUND', `process ${request.params.id} does not exist`);
    await assertRunAccess(em, request.user, instance);
    if (instance.status !== 'running') throw new DomainError('CONFLICT', `process ${request.params.id} has ended`);
    if (!(await deliver(app.deps, instance.id, request.params.name, request.body ?? null))) {
      throw new DomainError('EVENT_NOT_AWAITED', `no step of process ${instance.id} waits for event "${request.params.name}"`, [{ path: '/name', message: 'nobody listens for this event' }]);
    }
    return reply.status(202).send({ delivered: [instance.id], started: [] });
  });

  app.post<{ Params: { name: string }; Body: { entity: string; recordId: string; payload?: unknown } }>('/api/events/:name', {
    schema: {
      tags, params: { type: 'object', required: ['name'], properties: { name: eventName } },
      body: { type: 'object', required: ['entity', 'recordId'], additionalProperties: false, properties: { entity: { type: 'string', minLength: 1, maxLength: 63 }, recordId: { type: 'string', format: 'uuid' }, payload: {} } },
      response: { 202: accepted, ...errors(404, 422) },
    },
  }, async (request, reply) => {
    const { entity, recordId, payload } = request.body;
    const { name } = request.params;
    const runs = await app.deps.orm.em.fork().find(ProcessInstanceEntity, { entity, recordId, status: 'running' });
    const delivered: string[] = [];
    for (const run of runs) if (await deliver(app.deps, run.id, name, payload ?? null)) delivered.push(run.id);
    const started = delivered.length ? [] : await fireTriggers(app.deps, entity, recordId, { on: 'event', event: name }, request.user.username);
    if (!delivered.length && !started.length) {
      throw new DomainError('EVENT_NOT_AWAITED', `nothing waits for event "${name}" on ${entity} ${recordId}`, [{ path: '/name', message: 'nobody listens for this event' }]);
    }
    return reply.status(202).send({ delivered, started });
  });
}
