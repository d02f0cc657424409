import type { FastifyInstance } from 'fastify';
import { DelegationRepository, type DelegationInput } from '../../db/delegations.js';
import { errors, idParam } from './schemas.js';

const delegationBody = {
  type: 'object', required: ['to', 'startsAt', 'endsAt'], additionalProperties: false,
  properties: {
    from: { type: 'string', minLength: 1, maxLength: 100 },
    to: { type: 'string', minLength: 1, maxLength: 100 },
    startsAt: { type: 'string', format: 'date-time' },
    endsAt: { type: 'string', format: 'date-time' },
    reason: { type: 'string', maxLength: 500 },
  },
} as const;

/** Out-of-office delegation: while current, the delegate sees and may decide the delegator's approvals. */
export default async function delegationRoutes(app: FastifyInstance) {
  const tags = ['inbox'];
  const repo = () => new DelegationRepository(app.deps.orm.em.fork());

  app.post<{ Body: Omit<DelegationInput, 'from'> & { from?: string } }>('/api/delegations', {
    schema: { tags, body: delegationBody, response: errors(403, 422) },
  }, async (request, reply) => {
    const created = await repo().create({ ...request.body, from: request.body.from ?? request.user.username }, request.user);
    return reply.status(201).send(created);
  });

  app.get('/api/delegations', { schema: { tags } }, async (request) => ({ items: await repo().listFor(request.user.username) }));

  app.delete<{ Params: { id: string } }>('/api/delegations/:id', { schema: { tags, params: idParam, response: errors(403, 404) } }, async (request, reply) => {
    await repo().revoke(request.params.id, request.user);
    return reply.status(204).send();
  });
}
