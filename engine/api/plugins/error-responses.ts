import fp from 'fastify-plugin';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { errorSchema } from '../routes/schemas.js';
import { isPublic } from './auth.js';

type Schema = Record<string, unknown> & { response?: Record<string, unknown>; hide?: boolean };

/**
 * The statuses every route can answer because of the plugins in front of it, declared on its response schemas
 * (so the OpenAPI document lists them): 401 without a valid token (all but the public routes); 400 and 422 when
 * parameters, query or body are validated (malformed input, schema violations); 404 when the path names something
 * (an unknown id or entity); 413 and 415 for routes that take a body; 414 (the query length limit of the hygiene
 * plugin) and 431 (Node's limit on the request line and headers) for routes that take a query string. Route-specific statuses (403, 404, 409, 412, ...) stay with the route's own `errors(...)`.
 */
export function standardErrorStatuses(route: Pick<RouteOptions, 'method' | 'url'> & { schema?: Schema }): number[] {
  const schema = route.schema ?? {};
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const takesBody = methods.some((m) => ['POST', 'PUT', 'PATCH'].includes(m));
  const hasPathParams = /[:*]/.test(route.url);
  const validated = takesBody || !!schema.params || !!schema.querystring || hasPathParams;
  return [
    ...(validated ? [400, 422] : []),
    ...(hasPathParams ? [404] : []),
    ...(isPublic(route.url) ? [] : [401]),
    ...(takesBody ? [413, 415] : []),
    ...(schema.querystring ? [414, 431] : []),
  ];
}

export default fp(async function errorResponses(app: FastifyInstance) {
  app.addHook('onRoute', (route) => {
    if (route.url === '*' || route.method === 'HEAD' || (route.schema as Schema | undefined)?.hide) return;
    const schema = (route.schema ??= {}) as Schema;
    const response = (schema.response ??= {});
    // a route that declares no success keeps the document's default one (a schema-less one: any JSON, toJSON kept)
    if (!Object.keys(response).some((status) => status.startsWith('2'))) response[200] = { description: 'Default Response' };
    for (const status of standardErrorStatuses(route as never)) {
      if (!(status in response) && !(String(status) in response)) response[status] = errorSchema;
    }
  });
}, { name: 'error-responses' });
