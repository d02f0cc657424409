import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { inspectBody } from '../../domain/records/mass-assignment.js';

/** Query strings longer than this are refused (414) before routing work; bodies are capped by `bodyLimit` (413). */
export const MAX_QUERY_LENGTH = 8192;

const RELAXED_CSP_BASE = "default-src 'self'; style-src 'self' 'unsafe-inline' https:; font-src 'self' https: data:; img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'self'";

/**
 * The pages that need more than `script-src 'self'`: the API reference at /docs runs one inline script; the admin UI
 * validates forms with ajv (react-jsonschema-form's validator-ajv8), which compiles schemas with `new Function`.
 */
export function pageScriptSources(url: string): string | null {
  if (url === '/docs' || url.startsWith('/docs/')) return "'unsafe-inline'";
  if (url === '/admin' || url.startsWith('/admin/')) return "'unsafe-eval'";
  return null;
}

/** `FLOWCRM_CORS_ORIGINS`: a comma-separated list of origins allowed to call the API from a browser; unset: none. */
export function corsOrigins(value: string | undefined): string[] {
  return (value ?? '').split(',').map((o) => o.trim()).filter(Boolean);
}

/**
 * Security headers (helmet, with a strict CSP except for the pages of `pageScriptSources`), CORS only for
 * the configured origins, the query length limit, and no NUL or non-finite number in query and path parameters.
 */
export default fp(async function hygiene(app: FastifyInstance, options: { corsOrigins?: string[] }) {
  await app.register(helmet, {
    contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': null } },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const page = pageScriptSources(request.url);
    if (page) reply.header('content-security-policy', `${RELAXED_CSP_BASE}; script-src 'self' ${page}`);
    return payload;
  });
  const origins = options.corsOrigins ?? corsOrigins(process.env.FLOWCRM_CORS_ORIGINS);
  if (origins.length) {
    await app.register(cors, { origin: origins, methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'], allowedHeaders: ['authorization', 'content-type', 'if-match'], exposedHeaders: ['etag', 'location'], maxAge: 600 });
  }
  // ajv coerces "1e999" in a query to Infinity and lets it through `maximum`; NUL cannot reach PostgreSQL either.
  // Routes that declare no query or parameters ignore them.
  app.addHook('preHandler', async (request) => {
    const schema = (request.routeOptions.schema ?? {}) as { querystring?: unknown; params?: unknown };
    const invalid = [
      ...(schema.querystring ? inspectBody(request.query ?? {}).invalid.map((d) => ({ ...d, path: `/query${d.path === '/' ? '' : d.path}` })) : []),
      ...(schema.params ? inspectBody(request.params ?? {}).invalid.map((d) => ({ ...d, path: `/params${d.path === '/' ? '' : d.path}` })) : []),
    ];
    if (invalid.length) throw new DomainError('VALIDATION_FAILED', 'the request is invalid', invalid);
  });
  app.addHook('onRequest', async (request) => {
    const q = request.url.indexOf('?');
    if (q >= 0 && request.url.length - q - 1 > MAX_QUERY_LENGTH) {
      throw new DomainError('QUERY_TOO_LONG', `the query string is longer than ${MAX_QUERY_LENGTH} characters`, [{ path: '/query', message: 'too long' }]);
    }
  });
}, { name: 'hygiene', dependencies: ['errors'] });
