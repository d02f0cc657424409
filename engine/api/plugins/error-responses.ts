import fp from 'fastify-plugin';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { errorSchema } from '../routes/schemas.js';
import { isPublic } from './auth.js';
import { routeTakesKey } from './idempotency.js';
import { requiredScope } from '../policy/token-scopes.js';
import { routeRuleOf } from '../policy/hook.js';
import { IF_MATCH_HEADER } from '../routes/records-shared.js';

type Schema = Record<string, unknown> & { response?: Record<string, unknown>; hide?: boolean; querystring?: unknown; params?: unknown; headers?: { properties?: Record<string, unknown> } };
type Route = Pick<RouteOptions, 'method' | 'url'> & { schema?: Schema; config?: unknown };

/** Why a route can answer each status, from the one place that decides it; the OpenAPI document declares them all. */
export function derivedErrorStatuses(route: Route): Record<number, string> {
  const schema = route.schema ?? {};
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const takesBody = methods.some((m) => ['POST', 'PUT', 'PATCH'].includes(m));
  const hasPathParams = /[:*]/.test(route.url);
  const validated = takesBody || !!schema.params || !!schema.querystring || hasPathParams;
  const authenticated = !isPublic(route.url);
  const rule = methods.map((m) => routeRuleOf(m, route.url)).find(Boolean);
  const tokenLimited = methods.some((m) => requiredScope(m, route.url) !== 'any');
  const reasons: Record<number, string | false> = {
    400: validated && 'malformed parameters, query or body',
    401: authenticated && 'no valid bearer token (auth plugin)',
    403: authenticated && (tokenLimited || !!rule?.action || !!rule?.roles) && 'outside an API token\'s scopes (token-scopes.ts) or the policy route table (policy/hook.ts)',
    404: hasPathParams && 'the path names something that does not exist',
    409: routeTakesKey(route as RouteOptions) && 'IDEMPOTENCY_KEY_IN_PROGRESS (idempotency plugin)',
    412: !!schema.headers?.properties?.[IF_MATCH_HEADER] && 'If-Match names another version (PRECONDITION_FAILED)',
    413: takesBody && 'the body is over the body limit',
    414: !!schema.querystring && 'the query is over the query length limit (hygiene plugin)',
    415: takesBody && 'a content type the route does not parse',
    422: validated && 'the input fails its schema (VALIDATION_FAILED)',
    429: !!(route.config as { rateLimit?: unknown } | undefined)?.rateLimit && 'the per-address rate limit (rate-limit plugin)',
    431: !!schema.querystring && 'the request line and headers are over Node\'s header limit',
    503: 'the database or Temporal is unavailable, or the API is draining (errors and drain plugins)',
  };
  return Object.fromEntries(Object.entries(reasons).filter((entry): entry is [string, string] => entry[1] !== false));
}

/** The statuses every route can answer because of the plugins and the policy in front of it. */
export function standardErrorStatuses(route: Route): number[] {
  return Object.keys(derivedErrorStatuses(route)).map(Number);
}

/**
 * Declares on each route's response schemas, with the error envelope, the statuses of `derivedErrorStatuses`:
 * 401 without a valid token (all but the public routes); 403 where an API token's scopes or the policy's route table
 * can refuse; 400 and 422 when parameters, query or body are validated; 404 when the path names something; 409 on
 * POSTs that take an Idempotency-Key; 412 where If-Match is read; 413 and 415 for routes that take a body; 414 and 431
 * for routes that take a query string; 429 on rate-limited routes; 503 everywhere (every route but the static ones
 * reaches the database, and a draining API refuses new requests). Route-specific statuses (404 of a named resource
 * in a body, 409 conflicts, 504, ...) stay with the route's own `errors(...)`.
 */
export default fp(async function errorResponses(app: FastifyInstance) {
  app.addHook('onRoute', (route) => {
    if (route.url === '*' || route.method === 'HEAD' || (route.schema as Schema | undefined)?.hide) return;
    const schema = (route.schema ??= {}) as Schema;
    const response = (schema.response ??= {});
    // a route that declares no success keeps the document's default one (a schema-less one: any JSON, toJSON kept)
    if (!Object.keys(response).some((status) => status.startsWith('2'))) response[200] = { description: 'Default Response' };
    for (const status of standardErrorStatuses(route as Route)) {
      if (!(status in response) && !(String(status) in response)) response[status] = errorSchema;
    }
  });
}, { name: 'error-responses' });
