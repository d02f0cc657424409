import type { FastifyInstance } from 'fastify';
import { ConfigStore } from '../../db/config-store.js';
import { validateBundle } from '../../domain/config/validate-bundle.js';
import { DomainError } from '../../domain/errors.js';
import { requireRole } from '../plugins/auth.js';
import { errors } from './schemas.js';

const bundleBody = { type: 'object', additionalProperties: true } as const;

export default async function configRoutes(app: FastifyInstance) {
  const store = () => new ConfigStore(app.deps.orm.em.fork());

  app.get('/api/config', { schema: { tags: ['config'], response: errors(404) } }, async () => {
    const config = await store().current();
    return { ...config.bundle, version: config.version, hash: config.hash };
  });

  app.get('/api/config/versions', { schema: { tags: ['config'] } }, async () => ({ items: await store().list() }));

  app.post<{ Body: Record<string, unknown> }>('/api/config/validate', { schema: { tags: ['config'], body: bundleBody } }, async (request) => {
    return validateBundle(request.body);
  });

  app.post<{ Body: Record<string, unknown> }>('/api/config/publish', {
    schema: { tags: ['config'], body: bundleBody, response: errors(403, 422) },
  }, async (request, reply) => {
    requireRole(request, 'admin');
    const result = validateBundle(request.body);
    if (!result.valid) {
      throw new DomainError('CONFIG_INVALID', 'the configuration bundle is invalid', result.errors.map((e) => ({ path: e.path, message: e.message, code: e.code })));
    }
    const published = await store().publish(request.body, request.user.username);
    return reply.status(201).send({ version: published.version, hash: published.hash });
  });
}
