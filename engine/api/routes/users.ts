import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { createUser, listUsers, updateUser } from '../../db/user-admin.js';
import { currentConfig } from '../../db/record-write.js';
import type { Bundle } from '../../domain/config/types.js';
import { resetPassword } from '../../db/user-passwords.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../domain/access/password-policy.js';
import { errors, itemsOf, newPasswordSchema, noContent, Nullable } from './schemas.js';

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
  password: Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH }),
}, { additionalProperties: false });

const userChangesBody = Type.Object({
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), roles: Type.Optional(roles),
  unit: Type.Optional(Nullable(name)), manager: Type.Optional(Nullable(username)), active: Type.Optional(Type.Boolean()),
}, { additionalProperties: false, minProperties: 1 });

const usernameParam = Type.Object({ username: Type.String({ minLength: 1, maxLength: 100 }) });
const passwordResetBody = Type.Object({ newPassword: newPasswordSchema }, { additionalProperties: false });

/**
 * The user directory: every signed-in user reads it (user pickers; active users only), admins also see inactive
 * users and alone may add or change users and reset their passwords (the admin role is required by the policy's route
 * table, decisions 0074 and 0101).
 */
export default async function userRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['users'];
  const bundle = async () => (await currentConfig(app.deps.orm.em.fork(), 0)).bundle as unknown as Bundle;

  app.get('/api/users', { schema: { tags, response: { 200: itemsOf(userSchema), } } },
    async (request) => ({ items: await listUsers(app.deps.orm.em.fork(), request.user.roles.includes('admin')) }));

  app.post('/api/users', { schema: { tags, body: newUserBody, response: { 201: userSchema, ...errors(409, 422) } } }, async (request, reply) => {
    const created = await createUser(app.deps.orm.em, await bundle(), request.body, request.user.username);
    return reply.status(201).send(created);
  });

  app.patch('/api/users/:username', {
    schema: { tags, params: usernameParam, body: userChangesBody, response: { 200: userSchema, ...errors(404, 422) } },
  }, async (request) => updateUser(app.deps.orm.em, await bundle(), request.params.username, request.body, request.user.username));

  app.post('/api/users/:username/password', {
    schema: { tags, params: usernameParam, body: passwordResetBody, response: { 204: { ...noContent, description: 'Reset; every session of the user has ended' }, ...errors(404) } },
  }, async (request, reply) => {
    await resetPassword(app.deps.orm.em, request.params.username, request.body.newPassword, { username: request.user.username, session: request.user.session?.id, ip: request.ip });
    return reply.status(204).send(null);
  });
}
