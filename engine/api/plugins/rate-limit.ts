import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../domain/errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** `METHOD url` of every route with a per-address limit (`config.rateLimit`). */
    rateLimitedRoutes: ReadonlySet<string>;
  }
}

/** Logins a client IP may try per minute when neither the deps nor `FLOWCRM_LOGIN_RATE_LIMIT` say otherwise. */
export const DEFAULT_LOGIN_RATE_LIMIT = 20;

export function loginRateLimit(configured: number | undefined, env = process.env.FLOWCRM_LOGIN_RATE_LIMIT): number {
  if (configured !== undefined) return configured;
  const parsed = Number(env);
  return env && Number.isInteger(parsed) && parsed > 0 ? parsed : DEFAULT_LOGIN_RATE_LIMIT;
}

/**
 * Per-IP limits, on the routes that ask for one in `config.rateLimit` (the login: password guessing across
 * usernames, which the per-username lockout does not stop). The refusal is the contract's envelope, with Retry-After.
 */
export default fp(async function rateLimits(app: FastifyInstance) {
  const limited = new Set<string>();
  app.decorate('rateLimitedRoutes', limited);
  app.addHook('onRoute', (route) => {
    if (!(route.config as { rateLimit?: unknown } | undefined)?.rateLimit) return;
    for (const method of [route.method].flat()) limited.add(`${method} ${route.url}`);
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new DomainError('RATE_LIMITED', `too many requests from this address: try again in ${Math.max(1, Math.ceil(context.ttl / 1000))} seconds`),
  });
}, { name: 'rate-limits', dependencies: ['errors'] });
