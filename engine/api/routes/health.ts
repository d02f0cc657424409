import type { FastifyInstance } from 'fastify';

export default async function healthRoutes(app: FastifyInstance) {
  app.get('/health', { schema: { tags: ['system'], security: [] } }, async (_request, reply) => {
    const db = await app.deps.orm.em.fork().getConnection().execute('select 1 as ok').then(() => 'ok', () => 'down');
    const temporal = (await app.deps.flow.healthy()) ? 'ok' : 'down';
    const status = db === 'ok' && temporal === 'ok' ? 'ok' : 'degraded';
    return reply.status(status === 'ok' ? 200 : 503).send({ status, db, temporal });
  });
}
