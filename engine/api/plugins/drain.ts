import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../domain/errors.js';

/**
 * Draining close: once `app.close()` begins, every answer still going out carries `Connection: close`, so kept-alive
 * client connections end with the request they carry instead of holding the server open for Fastify's 72 s
 * keep-alive timeout. Requests in flight finish; new ones on open connections get 503 UNAVAILABLE in the error envelope
 * with Retry-After (Fastify's own `return503OnClosing` answer is off: it is not the envelope).
 */
export default fp(async function drain(app: FastifyInstance) {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async () => {
    if (closing) throw new DomainError('UNAVAILABLE', 'the server is shutting down; retry shortly');
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) void reply.header('connection', 'close');
    return payload;
  });
}, { name: 'drain' });
