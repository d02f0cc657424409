import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { UserRepository } from '../../db/users.js';
import { DomainError } from '../../domain/errors.js';
import { errorSchema, errors, newPasswordSchema, noContent, Nullable } from './schemas.js';
import { recordAuditEvent } from '../../db/audit.js';
import { isLockedOut, LOCKOUT_MINUTES } from '../../db/lockout.js';
import { revokeSession, SESSION_SECONDS } from '../../db/sessions.js';
import { changePassword } from '../../db/user-passwords.js';
import { loginRateLimit } from '../plugins/rate-limit.js';

const loginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 200 }),
}, { additionalProperties: false });

/** The signed-in user as the login and `GET /api/auth/me` answer it. */
const publicUserSchema = Type.Object({ username: Type.String(), displayName: Type.String(), roles: Type.Array(Type.String()), manager: Nullable(Type.String()) });
const loginAnswer = Type.Object({ token: Type.String(), user: publicUserSchema });

const passwordChangeBody = Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: newPasswordSchema }, { additionalProperties: false });

export default async function authRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const rateLimit = { max: loginRateLimit(app.deps.loginRateLimit), timeWindow: '1 minute' };

  app.post('/api/auth/login', {
    config: { rateLimit },
    schema: {
      tags: ['auth'], security: [], body: loginBody,
      response: { 200: loginAnswer, ...errors(401), 429: { ...errorSchema, description: 'ACCOUNT_LOCKED (this username) or RATE_LIMITED (this address; see Retry-After)' } },
    },
  }, async (request) => {
    if (await isLockedOut(app.deps.orm.em.fork(), request.body.username)) {
      await recordAuditEvent(app.deps.orm.em, { entity: 'session', action: 'login_locked', actor: request.body.username, context: { ip: request.ip } });
      throw new DomainError('ACCOUNT_LOCKED', `too many failed logins: try again in ${LOCKOUT_MINUTES} minutes`);
    }
    const user = await new UserRepository(app.deps.orm.em.fork()).authenticate(request.body.username, request.body.password);
    // a login names its session in the audit log: a password change ends the user's other sessions from there
    const session = user ? randomUUID() : undefined;
    await recordAuditEvent(app.deps.orm.em, {
      entity: 'session', action: user ? 'login' : 'login_failed', actor: request.body.username, context: { ip: request.ip, ...(session ? { session } : {}) },
    });
    if (!user) throw new DomainError('UNAUTHORIZED', 'unknown user or wrong password');
    const token = app.jwt.sign({ sub: user.username, roles: user.roles, jti: session });
    return { token, user };
  });

  app.get('/api/auth/me', { schema: { tags: ['auth'], response: { 200: publicUserSchema } } }, async (request) => {
    const user = await new UserRepository(app.deps.orm.em.fork()).find(request.user.username);
    if (!user) throw new DomainError('UNAUTHORIZED', 'the user no longer exists');
    return user;
  });

  app.post('/api/auth/logout', { schema: { tags: ['auth'], response: { 204: { ...noContent, description: 'The token is revoked' } } } }, async (request, reply) => {
    const { id, expires } = request.user.session ?? {};
    if (id) await revokeSession(app.deps.orm.em.fork(), id, request.user.username, new Date((expires ?? Date.now() / 1000 + SESSION_SECONDS) * 1000));
    await recordAuditEvent(app.deps.orm.em, { entity: 'session', action: 'logout', actor: request.user.username, context: { ip: request.ip } });
    return reply.status(204).send(null);
  });

  app.post('/api/auth/password', {
    config: { rateLimit },
    schema: {
      tags: ['auth'], body: passwordChangeBody,
      response: {
        204: { ...noContent, description: 'Changed; every other session of the user has ended' },
        429: { ...errorSchema, description: 'ACCOUNT_LOCKED (too many wrong passwords) or RATE_LIMITED (this address; see Retry-After)' },
      },
    },
  }, async (request, reply) => {
    await changePassword(app.deps.orm.em, request.user.username, request.body, { session: request.user.session?.id, ip: request.ip });
    return reply.status(204).send(null);
  });
}
