import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { ProcessInstanceEntity } from '../../db/entities.js';
import { DomainError } from '../../domain/errors.js';
import { assertRunAccess } from '../policy/process-access.js';
import { fireTriggers } from '../../temporal/triggers.js';
import type { AppDeps } from '../context.js';
import { errors } from './schemas.js';

const eventName = Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_.-]{0,62}$' });
const runEventParams = Type.Object({ id: Type.String({ maxLength: 300 }), name: eventName });
const eventParams = Type.Object({ name: eventName });
/** The event's payload: any JSON the listening steps read. */
const payload = Type.Unknown();
const recordEventBody = Type.Object({
  entity: Type.String({ minLength: 1, maxLength: 63 }), recordId: Type.String({ format: 'uuid' }), payload: Type.Optional(payload),
}, { additionalProperties: false });
const accepted = Type.Object({ delivered: Type.Array(Type.String()), started: Type.Array(Type.String()) });

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

export default async function eventRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['events'];

  app.post('/api/processes/:id/events/:name', {
    schema: { tags, params: runEventParams, response: { 202: accepted, ...errors(404, 409) } },
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

  app.post('/api/events/:name', {
    schema: { tags, params: eventParams, body: recordEventBody, response: { 202: accepted, ...errors(404, 422) } },
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
