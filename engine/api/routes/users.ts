import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { createUser, listUsers, updateUser } from '../../db/user-admin.js';
import { currentConfig } from '../../db/record-write.js';
import type { Bundle } from '../../domain/config/types.js';
import { errors, itemsOf, Nullable } from './schemas.js';

const username = Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z0-9][a-z0-9._-]*$' });
const name = Type.String({ minLength: 1, maxLength: 63 });
const roles = Type.Array(name, { maxItems: 50, uniqueItems: true });

const userSchema = Type.Object({
  username: Type.String(), displayName: Type.String(), roles: Type.Array(Type.String()),
  unit: Nullable(Type.String()), manager: Nullable(Type.String()), active: Type.Boolean(),
});

const newUserBody = Type.Object({
  username, displayName: Type.String({ minLength: 1, maxLength: 200 }), roles,
  unit: Type.Optional(Nullable(name)), manager: Type.Optional(Nullable(username)),
  password: Type.String({ minLength: 8, maxLength: 200 }),
}, { additionalProperties: false });

const userChangesBody = Type.Object({
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), roles: Type.Optional(roles),
  unit: Type.Optional(Nullable(name)), manager: Type.Optional(Nullable(username)), active: Type.Optional(Type.Boolean()),
}, { additionalProperties: false, minProperties: 1 });

const usernameParam = Type.Object({ username: Type.String({ minLength: 1, maxLength: 100 }) });

/**
 * The user directory: every signed-in user reads it (user pickers; active users only), admins also see inactive
 * users and alone may add or change users (the admin role is required by the policy's route table, decision 0074).
 */
export default async function userRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['users'];
  const bundle = async () => (await currentConfig(app.deps.orm.em.fork(), 0)).bundle as unknown as Bundle;

  app.get('/api/users', { schema: { tags, response: { 200: itemsOf(userSchema), ...errors(403) } } },
    async (request) => ({ items: await listUsers(app.deps.orm.em.fork(), request.user.roles.includes('admin')) }));

  app.post('/api/users', { schema: { tags, body: newUserBody, response: { 201: userSchema, ...errors(403, 409, 422) } } }, async (request, reply) => {
    const created = await createUser(app.deps.orm.em, await bundle(), request.body, request.user.username);
    return reply.status(201).send(created);
  });

  app.patch('/api/users/:username', {
    schema: { tags, params: usernameParam, body: userChangesBody, response: { 200: userSchema, ...errors(403, 404, 422) } },
  }, async (request) => updateUser(app.deps.orm.em, await bundle(), request.params.username, request.body, request.user.username));
}
