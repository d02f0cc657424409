import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { ConfigStore } from '../../db/config-store.js';
import { compatibilityOf, publishConfig } from '../../db/config-publish.js';
import { diffBundles } from '../../domain/config/diff.js';
import { AnyObject, errors, StringEnum } from './schemas.js';
import { bundleResponse, publishResponse } from './config.js';

const versionNumber = Type.Integer({ minimum: 1, maximum: 2147483647 });
const tags = ['config'];

const changeSchema = Type.Object({
  kind: Type.String(), name: Type.String(), change: StringEnum(['added', 'removed', 'modified']), paths: Type.Array(Type.String()),
});

const issueSchema = Type.Object({
  entity: Type.String(), path: Type.String(), code: Type.String(), message: Type.String(),
  records: Type.Optional(Type.Integer()), checked: Type.Optional(Type.Integer()), sampled: Type.Optional(Type.Boolean()),
});

const rollbackBody = Type.Object({
  version: versionNumber, force: Type.Optional(Type.Boolean()), backfill: Type.Optional(Type.Record(Type.String(), AnyObject())),
}, { additionalProperties: false });

/** Published versions one by one, diffs between them, the compatibility check and rollback (= republish). */
export default async function configVersionRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const store = () => new ConfigStore(app.deps.orm.em.fork());

  app.get('/api/config/versions/:version', {
    schema: { tags, params: Type.Object({ version: versionNumber }), response: { 200: bundleResponse, ...errors(404) } },
  }, async (request) => {
    const config = await store().get(request.params.version);
    return { ...config.bundle, version: config.version, hash: config.hash };
  });

  app.get('/api/config/versions/:a/diff/:b', {
    schema: {
      tags, params: Type.Object({ a: versionNumber, b: versionNumber }),
      response: { 200: Type.Object({ from: Type.Integer(), to: Type.Integer(), changes: Type.Array(changeSchema) }), ...errors(404) },
    },
  }, async (request) => {
    const configs = store();
    const [a, b] = [await configs.get(request.params.a), await configs.get(request.params.b)];
    return { from: a.version, to: b.version, changes: diffBundles(a.bundle, b.bundle) };
  });

  app.post('/api/config/compatibility', {
    schema: {
      tags, body: AnyObject(),
      response: { 200: Type.Object({ compatible: Type.Boolean(), issues: Type.Array(issueSchema) }), ...errors(422) },
    },
  }, async (request) => {
    const { backfill: _backfill, version: _version, ...bundle } = request.body;
    return compatibilityOf(app.deps.orm.em.fork(), bundle);
  });

  app.post('/api/config/rollback', {
    schema: {
      tags, body: rollbackBody,
      response: { 201: Type.Object({ ...publishResponse.properties, republished: Type.Integer() }), ...errors(404, 422) },
    },
  }, async (request, reply) => {
    const em = app.deps.orm.em.fork();
    const earlier = await new ConfigStore(em).get(request.body.version);
    const outcome = await publishConfig(em, {
      bundle: earlier.bundle, author: request.user.username, force: request.body.force, backfill: request.body.backfill,
    });
    return reply.status(201).send({
      version: outcome.published.version, hash: outcome.published.hash, republished: earlier.version,
      backfilled: outcome.backfilled, forcedIssues: outcome.issues,
    });
  });
}
