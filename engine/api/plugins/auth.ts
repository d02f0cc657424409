import fp from 'fastify-plugin';
import jwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { sessionUsable } from '../../db/sessions.js';

const publicRoutes = new Set(['/health', '/ready', '/metrics', '/api/auth/login', '/openapi.json']);

/** Routes (or paths) that need no bearer token. */
export function isPublic(url: string): boolean {
  const path = url.split('?')[0];
  return publicRoutes.has(path) || path === '/docs' || path.startsWith('/docs/') || path === '/admin' || path.startsWith('/admin/') || path === '/';
}

/** Bearer tokens on every route except health, login, the API document and static pages. */
export default fp(async function auth(app: FastifyInstance) {
  await app.register(jwt, { secret: app.deps.jwtSecret, sign: { expiresIn: '12h' }, formatUser: (p) => ({ username: p.sub, roles: p.roles, session: { id: p.jti, expires: p.exp } }) });
  app.decorate('authenticate', async (request: FastifyRequest) => {
    try {
      await request.jwtVerify();
    } catch {
      throw new DomainError('UNAUTHORIZED', 'a valid bearer token is required');
    }
    // logout revokes a token, deactivation all of a user's tokens: both take effect on the next request
    if (!(await sessionUsable(app.deps.orm.em.fork(), request.user.username, request.user.session?.id))) {
      throw new DomainError('UNAUTHORIZED', 'this session has ended');
    }
  });
  app.addHook('onRequest', async (request) => {
    if (!isPublic(request.url)) await app.authenticate(request);
  });
}, { name: 'auth', dependencies: ['errors'] });

export function requireRole(request: FastifyRequest, role: string): void {
  if (!request.user.roles.includes(role)) throw new DomainError('FORBIDDEN', `this needs the ${role} role`);
}
