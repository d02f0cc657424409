import type { FastifyInstance } from 'fastify';
import { ConfigStore } from '../../db/config-store.js';
import { publishConfig } from '../../db/config-publish.js';
import { withoutDecoration } from '../../domain/config/decoration.js';
import { validateBundle } from '../../domain/config/validate-bundle.js';
import { requireRole } from '../plugins/auth.js';
import { errors } from './schemas.js';
import { syncSchedules } from '../services/schedules.js';

const bundleBody = { type: 'object', additionalProperties: true } as const;
const forceQuery = { type: 'object', properties: { force: { type: 'boolean', default: false } }, additionalProperties: false } as const;

/** What a publish reports besides the version: records backfilled and the issues accepted with `force`. */
export const publishResponse = {
  type: 'object',
  properties: {
    version: { type: 'integer' },
    hash: { type: 'string' },
    backfilled: { type: 'object', additionalProperties: { type: 'object', additionalProperties: { type: 'integer' } } },
    forcedIssues: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
} as const;

export default async function configRoutes(app: FastifyInstance) {
  const store = () => new ConfigStore(app.deps.orm.em.fork());

  app.get('/api/config', { schema: { tags: ['config'], response: errors(404) } }, async () => {
    const config = await store().current();
    return { ...config.bundle, version: config.version, hash: config.hash };
  });

  app.get('/api/config/versions', { schema: { tags: ['config'] } }, async () => ({ items: await store().list() }));

  app.post<{ Body: Record<string, unknown> }>('/api/config/validate', { schema: { tags: ['config'], body: bundleBody } }, async (request) => {
    return validateBundle(withoutDecoration(request.body));
  });

  app.post<{ Body: Record<string, unknown>; Querystring: { force: boolean } }>('/api/config/publish', {
    schema: { tags: ['config'], body: bundleBody, querystring: forceQuery, response: { 201: publishResponse, ...errors(403, 422) } },
  }, async (request, reply) => {
    requireRole(request, 'admin');
    // `backfill` travels beside the bundle keys; it is not part of the configuration, nor are `version` and `hash`.
    const { backfill, ...decorated } = request.body;
    const bundle = withoutDecoration(decorated);
    const outcome = await publishConfig(app.deps.orm.em.fork(), { bundle, author: request.user.username, force: request.query.force, backfill });
    if (outcome.indexes.failed.length) request.log.warn({ failed: outcome.indexes.failed }, 'declared record indexes could not be built');
    await syncSchedules(app.deps).catch((error) => request.log.error({ err: error }, 'process schedules could not be updated'));
    return reply.status(201).send({
      version: outcome.published.version, hash: outcome.published.hash, backfilled: outcome.backfilled, forcedIssues: outcome.issues,
    });
  });
}
