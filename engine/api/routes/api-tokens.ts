import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { createApiToken, listApiTokens, revokeApiToken } from '../../db/api-tokens.js';
import { DomainError } from '../../domain/errors.js';
import { TOKEN_SCOPES } from '../policy/token-scopes.js';
import { errors, itemsOf, noContent, Nullable, StringEnum } from './schemas.js';

const tokenBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  scopes: Type.Array(StringEnum(TOKEN_SCOPES), { minItems: 1, maxItems: TOKEN_SCOPES.length, uniqueItems: true }),
  expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
}, { additionalProperties: false });

const tokenSchema = Type.Object({
  id: Type.String({ format: 'uuid' }), name: Type.String(), scopes: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }), expiresAt: Nullable(Type.String({ format: 'date-time' })), lastUsedAt: Nullable(Type.String({ format: 'date-time' })),
});

const createdToken = Type.Object({
  ...tokenSchema.properties,
  token: Type.String({ description: 'The secret, shown this once: send it as `Authorization: Bearer <token>`' }),
});

const tokenParam = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** The signed-in user's integration tokens: each acts as that user, restricted to its scopes (decision 0073). */
export default async function apiTokenRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['auth'];

  app.post('/api/auth/tokens', {
    schema: { tags, body: tokenBody, response: { 201: createdToken, ...errors(422) } },
  }, async (request, reply) => {
    const { name, scopes, expiresAt } = request.body;
    const expires = expiresAt === undefined ? null : new Date(expiresAt);
    if (expires && expires.getTime() <= Date.now()) {
      throw new DomainError('VALIDATION_FAILED', 'the token would be expired already', [{ path: '/expiresAt', message: 'must be in the future' }]);
    }
    const created = await createApiToken(app.deps.orm.em, { username: request.user.username, name, scopes, expiresAt: expires, ip: request.ip });
    return reply.status(201).send(created);
  });

  app.get('/api/auth/tokens', { schema: { tags, response: { 200: itemsOf(tokenSchema) } } },
    async (request) => ({ items: await listApiTokens(app.deps.orm.em.fork(), request.user.username) }));

  app.delete('/api/auth/tokens/:id', { schema: { tags, params: tokenParam, response: { 204: noContent, ...errors(404) } } }, async (request, reply) => {
    if (!(await revokeApiToken(app.deps.orm.em, request.params.id, request.user.username, request.ip))) {
      throw new DomainError('NOT_FOUND', 'you have no such token', [{ path: '/params/id', message: 'unknown or already revoked' }]);
    }
    return reply.status(204).send(null);
  });
}
