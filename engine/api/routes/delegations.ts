import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { DelegationRepository } from '../../db/delegations.js';
import { errors, idParam, itemsOf, noContent, Nullable } from './schemas.js';

const user = Type.String({ minLength: 1, maxLength: 100 });

const delegationBody = Type.Object({
  from: Type.Optional(user),
  to: user,
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  reason: Type.Optional(Type.String({ maxLength: 500 })),
}, { additionalProperties: false });

const delegationSchema = Type.Object({
  id: Type.String({ format: 'uuid' }), from: Type.String(), to: Type.String(),
  startsAt: Type.String({ format: 'date-time' }), endsAt: Type.String({ format: 'date-time' }),
  reason: Nullable(Type.String()), createdBy: Type.String(), revokedAt: Nullable(Type.String()),
});

/** Out-of-office delegation: while current, the delegate sees and may decide the delegator's approvals. */
export default async function delegationRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['inbox'];
  const repo = () => new DelegationRepository(app.deps.orm.em.fork());

  app.post('/api/delegations', {
    schema: { tags, body: delegationBody, response: { 201: delegationSchema, ...errors(422) } },
  }, async (request, reply) => {
    const created = await repo().create({ ...request.body, from: request.body.from ?? request.user.username }, request.user);
    return reply.status(201).send(created);
  });

  app.get('/api/delegations', { schema: { tags, response: { 200: itemsOf(delegationSchema) } } }, async (request) => ({ items: await repo().listFor(request.user.username) }));

  app.delete('/api/delegations/:id', { schema: { tags, params: idParam, response: { 204: noContent, ...errors(404) } } }, async (request, reply) => {
    await repo().revoke(request.params.id, request.user);
    return reply.status(204).send(null);
  });
}
