import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { UserRepository } from '../../db/users.js';
import { DomainError } from '../../domain/errors.js';
import { errors } from './schemas.js';
import { recordAuditEvent } from '../../db/audit.js';
import { isLockedOut, LOCKOUT_MINUTES } from '../../db/lockout.js';
import { revokeSession } from '../../db/sessions.js';
import { loginRateLimit } from '../plugins/rate-limit.js';

export default async function authRoutes(app: FastifyInstance) {
  app.post<{ Body: { username: string; password: string } }>('/api/auth/login', {
    config: { rateLimit: { max: loginRateLimit(app.deps.loginRateLimit), timeWindow: '1 minute' } },
    schema: {
      tags: ['auth'],
      security: [],
      body: {
        type: 'object', required: ['username', 'password'], additionalProperties: false,
        properties: { username: { type: 'string', minLength: 1, maxLength: 100 }, password: { type: 'string', minLength: 1, maxLength: 200 } },
      },
      response: { 401: errors(401)[401], 429: { ...errors(429)[429], description: 'ACCOUNT_LOCKED (this username) or RATE_LIMITED (this address; see Retry-After)' } },
    },
  }, async (request) => {
    if (await isLockedOut(app.deps.orm.em.fork(), request.body.username)) {
      await recordAuditEvent(app.deps.orm.em, { entity: 'session', action: 'login_locked', actor: request.body.username, context: { ip: request.ip } });
      throw new DomainError('ACCOUNT_LOCKED', `too many failed logins: try again in ${LOCKOUT_MINUTES} minutes`);
    }
    const user = await new UserRepository(app.deps.orm.em.fork()).authenticate(request.body.username, request.body.password);
    await recordAuditEvent(app.deps.orm.em, {
      entity: 'session', action: user ? 'login' : 'login_failed', actor: request.body.username, context: { ip: request.ip },
    });
    if (!user) throw new DomainError('UNAUTHORIZED', 'unknown user or wrong password');
    const token = app.jwt.sign({ sub: user.username, roles: user.roles, jti: randomUUID() });
    return { token, user };
  });

  app.get('/api/auth/me', { schema: { tags: ['auth'] } }, async (request) => {
    const user = await new UserRepository(app.deps.orm.em.fork()).find(request.user.username);
    if (!user) throw new DomainError('UNAUTHORIZED', 'the user no longer exists');
    return user;
  });

  app.post('/api/auth/logout', { schema: { tags: ['auth'], response: { 204: { type: 'null', description: 'The token is revoked' } } } }, async (request, reply) => {
    const { id, expires } = request.user.session ?? {};
    if (id) await revokeSession(app.deps.orm.em.fork(), id, request.user.username, new Date((expires ?? Date.now() / 1000 + 43_200) * 1000));
    await recordAuditEvent(app.deps.orm.em, { entity: 'session', action: 'logout', actor: request.user.username, context: { ip: request.ip } });
    return reply.status(204).send();
  });
}
