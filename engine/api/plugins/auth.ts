import fp from 'fastify-plugin';
import jwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { SESSION_SECONDS, sessionUsable } from '../../db/sessions.js';
import { API_TOKEN_PREFIX, identifyApiToken } from '../../db/api-tokens.js';
import { requiredScope, scopeAllows } from '../policy/token-scopes.js';

const publicRoutes = new Set(['/health', '/ready', '/metrics', '/api/auth/login', '/openapi.json']);

/** Routes (or paths) that need no bearer token. */
export function isPublic(url: string): boolean {
  const path = url.split('?')[0];
  return publicRoutes.has(path) || path === '/docs' || path.startsWith('/docs/') || path === '/admin' || path.startsWith('/admin/') || path === '/';
}

/** Bearer tokens on every route except health, login, the API document and static pages. */
export default fp(async function auth(app: FastifyInstance) {
  await app.register(jwt, { secret: app.deps.jwtSecret, sign: { expiresIn: SESSION_SECONDS }, formatUser: (p) => ({ username: p.sub, roles: p.roles, session: { id: p.jti, expires: p.exp } }) });
  app.decorate('authenticate', async (request: FastifyRequest) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (bearer?.startsWith(API_TOKEN_PREFIX)) return authenticateApiToken(app, request, bearer);
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

/** An integration token acts as its user, on the route groups of its scopes only. */
async function authenticateApiToken(app: FastifyInstance, request: FastifyRequest, secret: string): Promise<void> {
  const identity = await identifyApiToken(app.deps.orm.em.fork(), secret);
  if (!identity) throw new DomainError('UNAUTHORIZED', 'this API token is unknown, revoked or expired');
  request.user = { username: identity.username, roles: identity.roles, token: { id: identity.id, scopes: identity.scopes } };
  const route = request.routeOptions.url;
  // unknown paths answer 404 as for anyone
  if (route && !scopeAllows(identity.scopes, request.method, route)) {
    const needed = requiredScope(request.method, route);
    throw new DomainError('FORBIDDEN', needed ? `this API token lacks the ${needed} scope` : 'API tokens may not call this route',
      [{ path: '/scopes', message: needed ? `needs ${needed}` : 'sign in as the user instead' }]);
  }
}
