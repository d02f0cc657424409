import type { FastifyInstance } from 'fastify';
import { ConfigStore } from '../../db/config-store.js';
import { compatibilityOf, publishConfig } from '../../db/config-publish.js';
import { diffBundles } from '../../domain/config/diff.js';
import { requireRole } from '../plugins/auth.js';
import { errors } from './schemas.js';
import { publishResponse } from './config.js';

const versionNumber = { type: 'integer', minimum: 1, maximum: 2147483647 } as const;
const tags = ['config'];

const changeSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string' }, name: { type: 'string' }, change: { type: 'string', enum: ['added', 'removed', 'modified'] },
    paths: { type: 'array', items: { type: 'string' } },
  },
} as const;

const issueSchema = {
  type: 'object',
  properties: {
    entity: { type: 'string' }, path: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' },
    records: { type: 'integer' }, checked: { type: 'integer' }, sampled: { type: 'boolean' },
  },
} as const;

interface RollbackBody { version: number; force?: boolean; backfill?: Record<string, Record<string, unknown>> }

/** Published versions one by one, diffs between them, the compatibility check and rollback (= republish). */
export default async function configVersionRoutes(app: FastifyInstance) {
  const store = () => new ConfigStore(app.deps.orm.em.fork());

  app.get<{ Params: { version: number } }>('/api/config/versions/:version', {
    schema: { tags, params: { type: 'object', required: ['version'], properties: { version: versionNumber } }, response: errors(404) },
  }, async (request) => {
    const config = await store().get(request.params.version);
    return { ...config.bundle, version: config.version, hash: config.hash };
  });

  app.get<{ Params: { a: number; b: number } }>('/api/config/versions/:a/diff/:b', {
    schema: {
      tags, params: { type: 'object', required: ['a', 'b'], properties: { a: versionNumber, b: versionNumber } },
      response: { 200: { type: 'object', properties: { from: { type: 'integer' }, to: { type: 'integer' }, changes: { type: 'array', items: changeSchema } } }, ...errors(404) },
    },
  }, async (request) => {
    const configs = store();
    const [a, b] = [await configs.get(request.params.a), await configs.get(request.params.b)];
    return { from: a.version, to: b.version, changes: diffBundles(a.bundle, b.bundle) };
  });

  app.post<{ Body: Record<string, unknown> }>('/api/config/compatibility', {
    schema: {
      tags, body: { type: 'object', additionalProperties: true },
      response: { 200: { type: 'object', properties: { compatible: { type: 'boolean' }, issues: { type: 'array', items: issueSchema } } }, ...errors(403, 422) },
    },
  }, async (request) => {
    requireRole(request, 'admin');
    const { backfill: _backfill, version: _version, ...bundle } = request.body;
    return compatibilityOf(app.deps.orm.em.fork(), bundle);
  });

  app.post<{ Body: RollbackBody }>('/api/config/rollback', {
    schema: {
      tags,
      body: {
        type: 'object', required: ['version'], additionalProperties: false,
        properties: { version: versionNumber, force: { type: 'boolean' }, backfill: { type: 'object', additionalProperties: { type: 'object' } } },
      },
      response: { 201: { ...publishResponse, properties: { ...publishResponse.properties, republished: { type: 'integer' } } }, ...errors(403, 404, 422) },
    },
  }, async (request, reply) => {
    requireRole(request, 'admin');
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
