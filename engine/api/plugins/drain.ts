import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';

/**
 * Draining close: once `app.close()` begins, every answer still going out carries `Connection: close`, so kept-alive
 * client connections end with the request they carry instead of holding the server open for Fastify's 72 s
 * keep-alive timeout. Requests in flight finish; new ones on open connections get 503 (`return503OnClosing`).
 */
export default fp(async function drain(app: FastifyInstance) {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) void reply.header('connection', 'close');
    return payload;
  });
}, { name: 'drain' });
