import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { ConfigStore } from '../../db/config-store.js';
import { publishConfig } from '../../db/config-publish.js';
import { withoutDecoration } from '../../domain/config/decoration.js';
import { validateBundle } from '../../domain/config/validate-bundle.js';
import { AnyObject, errors, itemsOf, OpaqueObject } from './schemas.js';
import { syncSchedules } from '../services/schedules.js';

const bundleBody = AnyObject();
const forceQuery = Type.Object({ force: Type.Boolean({ default: false }) }, { additionalProperties: false });

/** What a publish reports besides the version: records backfilled and the issues accepted with `force`. */
export const publishResponse = Type.Object({
  version: Type.Integer(),
  hash: Type.String(),
  backfilled: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer())),
  forcedIssues: Type.Array(OpaqueObject()),
});

/** The published bundle with its `version` and `hash`. */
export const bundleResponse = OpaqueObject({ properties: { version: Type.Integer(), hash: Type.String() } });

const validation = Type.Object({ valid: Type.Boolean(), errors: Type.Array(OpaqueObject()) }, { additionalProperties: true });
const versionSummary = OpaqueObject({ properties: { version: Type.Integer(), hash: Type.String() } });

export default async function configRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const store = () => new ConfigStore(app.deps.orm.em.fork());

  app.get('/api/config', { schema: { tags: ['config'], response: { 200: bundleResponse, ...errors(404) } } }, async () => {
    const config = await store().current();
    return { ...config.bundle, version: config.version, hash: config.hash };
  });

  app.get('/api/config/versions', { schema: { tags: ['config'], response: { 200: itemsOf(versionSummary) } } }, async () => ({ items: await store().list() }));

  app.post('/api/config/validate', { schema: { tags: ['config'], body: bundleBody, response: { 200: validation } } }, async (request) => {
    return validateBundle(withoutDecoration(request.body));
  });

  app.post('/api/config/publish', {
    schema: { tags: ['config'], body: bundleBody, querystring: forceQuery, response: { 201: publishResponse, ...errors(422) } },
  }, async (request, reply) => {
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
