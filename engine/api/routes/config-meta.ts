import type { FastifyInstance } from 'fastify';
import { metaSchemas } from '../../domain/config/meta-schemas.js';

/**
 * The meta-schemas of the configuration kinds, by file name (their `$id`s reference each other by these names):
 * the admin UI's JSON editors validate a definition against them while it is typed, before the full check of
 * POST /api/config/validate.
 */
export default async function configMetaRoutes(app: FastifyInstance) {
  app.get('/api/config/meta-schemas', { schema: { tags: ['config'] } }, async (_request, reply) => {
    // the same for every caller and every request until the engine is upgraded
    reply.header('cache-control', 'private, max-age=300');
    return { schemas: metaSchemas };
  });
}
