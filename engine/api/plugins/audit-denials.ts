import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { recordAuditEvent } from '../../db/audit.js';

function errorCode(payload: unknown): string | null {
  if (typeof payload !== 'string') return null;
  try {
    const code = (JSON.parse(payload) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}

/**
 * Every refused request (403) becomes an audit entry (entity `request`, action `forbidden`) in a transaction of its
 * own, committed before the answer leaves: the refusal is evidence even though the request's own work rolled back.
 */
export default fp(async function auditDenials(app: FastifyInstance) {
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode !== 403) return payload;
    try {
      await recordAuditEvent(app.deps.orm.em, {
        entity: 'request', action: 'forbidden', actor: request.user?.username ?? 'anonymous',
        context: { method: request.method, route: request.routeOptions.url ?? null, path: request.url.split('?')[0], code: errorCode(payload), ip: request.ip },
      });
    } catch (error) {
      request.log.error({ err: error }, 'could not audit a refused request');
    }
    return payload;
  });
}, { name: 'audit-denials', dependencies: ['errors'] });
