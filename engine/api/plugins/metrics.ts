import fp from 'fastify-plugin';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { errors } from '../routes/schemas.js';
import { collectProcessMetrics, httpDuration, httpRequests, metricsText } from '../../metrics.js';

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `GET /metrics` in Prometheus text format: requests by route pattern and status, workflow starts, and the process
 * metrics; the worker's own (activities, task latency, SLA breaches) are served by the worker process. No user token:
 * a scraper sends `Authorization: Bearer <FLOWCRM_METRICS_TOKEN>` when that is set, and nothing when it is not.
 */
export default fp(async function metrics(app: FastifyInstance) {
  collectProcessMetrics();
  const token = app.deps.metricsToken ?? process.env.FLOWCRM_METRICS_TOKEN ?? '';
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { tags: ['system'], security: [], response: { 200: { type: 'string', description: 'Prometheus text format' }, ...errors(401) } } }, async (request, reply) => {
    if (token && !sameToken(request.headers.authorization ?? '', `Bearer ${token}`)) {
      throw new DomainError('UNAUTHORIZED', 'the metrics token is required');
    }
    const { contentType, body } = await metricsText();
    return reply.type(contentType).send(body);
  });
}, { name: 'metrics', dependencies: ['errors'] });
