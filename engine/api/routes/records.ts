import type { FastifyInstance } from 'fastify';
import { RecordRepository } from '../../db/records.js';
import { PendingApprovals } from '../../db/pending-approvals.js';
import { afterRecordWrite } from '../services/record-events.js';
import { hasTrigger } from '../../temporal/triggers.js';
import { errors, noContent } from './schemas.js';
import { idempotentId } from '../plugins/idempotency.js';
import { DomainError } from '../../domain/errors.js';
import { entityParams, ifMatch, listQueryProperties, recordParams, recordWithReviewSchema as recordSchema, recordWriteSchema, type EntityParams, type RecordParams } from './records-shared.js';
import recordBulkRoutes from './records-bulk.js';
import { afterWrites } from '../services/stage-effects.js';
import { listAccessOf, recordBody as unwrap } from '../policy/hook.js';

const dataBody = { type: 'object', additionalProperties: true } as const;

/** A single record read also says which fields pending approvals lock and which processes hold them (read-only). */
const recordReadSchema = {
  ...recordSchema,
  properties: {
    ...recordSchema.properties,
    locks: {
      type: 'object',
      properties: { fields: { type: 'array', items: { type: 'string' } }, processIds: { type: 'array', items: { type: 'string' } } },
    },
  },
} as const;

/** An approval's workflow id is `<processId>:<step>`; the lock names the process, which `GET /api/processes/:id` reads. */
const processIdOf = (approvalWorkflowId: string) => approvalWorkflowId.slice(0, approvalWorkflowId.lastIndexOf(':'));

export default async function recordRoutes(app: FastifyInstance) {
  const repo = () => new RecordRepository(app.deps.orm.em.fork());
  const tags = ['records'];

  app.post<{ Params: EntityParams; Body: Record<string, unknown> }>('/api/records/:entity', {
    schema: { tags, params: entityParams, body: dataBody, response: { 201: recordWriteSchema, ...errors(404, 409, 422) } },
  }, async (request, reply) => {
    const { data, prefix } = unwrap(request.body);
    const records = repo();
    // under an Idempotency-Key the id comes from the key: a re-run after a crash finds the record the first run made
    const id = idempotentId(request, 'record');
    const made = id ? await records.get(request.params.entity, id).catch((error) => (error instanceof DomainError && error.code === 'NOT_FOUND' ? null : Promise.reject(error))) : null;
    const record = made ?? await records.create(request.params.entity, data, request.user.username, prefix, id);
    await afterWrites(app.deps, records);
    await afterRecordWrite(app.deps, request.log, request.params.entity, record, { on: 'create', record: record.data }, request.user.username);
    return reply.status(201).header('etag', String(record.version)).send(record);
  });

  app.get<{ Params: EntityParams; Querystring: { limit?: number; cursor?: string; sort?: string; filter?: string; total?: boolean; review?: string } }>('/api/records/:entity', {
    schema: {
      tags, params: entityParams,
      querystring: {
        type: 'object',
        properties: {
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 }, cursor: { type: 'string', maxLength: 2000 },
          total: { type: 'boolean', default: false }, ...listQueryProperties,
        },
      },
      response: {
        200: { type: 'object', properties: { items: { type: 'array', items: recordSchema }, nextCursor: { type: ['string', 'null'] }, total: { type: 'integer' } } },
        ...errors(404, 422),
      },
    },
  }, async (request) => {
    const { limit, cursor, sort, filter, total, review } = request.query;
    return repo().list(request.params.entity, { limit: limit ?? 50, cursor, sort, filter, total, review, access: listAccessOf(request) });
  });

  app.get<{ Params: RecordParams }>('/api/records/:entity/:id', {
    schema: { tags, params: recordParams, response: { 200: recordReadSchema, ...errors(404) } },
  }, async (request, reply) => {
    const record = await repo().get(request.params.entity, request.params.id);
    const pending = await new PendingApprovals(app.deps.orm.em.fork()).forRecord(record.id);
    const locks = {
      fields: [...new Set(pending.flatMap((p) => p.lockedFields))],
      processIds: [...new Set(pending.map((p) => processIdOf(p.workflowId)))],
    };
    return reply.header('etag', String(record.version)).send({ ...record, locks });
  });

  app.patch<{ Params: RecordParams; Body: Record<string, unknown> }>('/api/records/:entity/:id', {
    schema: { tags, params: recordParams, body: dataBody, response: { 200: recordWriteSchema, ...errors(404, 409, 412, 422) } },
  }, async (request, reply) => {
    const { data, prefix } = unwrap(request.body);
    const { entity, id } = request.params;
    const records = repo();
    const previous = (await hasTrigger(app.deps, entity, 'update')) ? (await records.get(entity, id)).data : {};
    const record = await records.patch(entity, id, data, request.user.username, ifMatch(request), prefix);
    await afterWrites(app.deps, records, { entity, recordId: record.id });
    await afterRecordWrite(app.deps, request.log, entity, record, { on: 'update', record: record.data, previous }, request.user.username);
    return reply.header('etag', String(record.version)).send(record);
  });

  app.delete<{ Params: RecordParams }>('/api/records/:entity/:id', {
    schema: { tags, params: recordParams, response: { 204: noContent, ...errors(404, 412) } },
  }, async (request, reply) => {
    await repo().softDelete(request.params.entity, request.params.id, request.user.username, ifMatch(request));
    return reply.status(204).send();
  });

  app.get<{ Params: RecordParams }>('/api/records/:entity/:id/history', {
    schema: { tags, params: recordParams, response: errors(404) },
  }, async (request) => ({ items: await repo().history(request.params.entity, request.params.id) }));

  app.post<{ Params: RecordParams }>('/api/records/:entity/:id/restore', {
    schema: { tags, params: recordParams, response: { 200: recordSchema, ...errors(404, 409, 412) } },
  }, async (request, reply) => {
    const record = await repo().restore(request.params.entity, request.params.id, request.user.username, ifMatch(request));
    return reply.header('etag', String(record.version)).send(record);
  });

  app.post<{ Params: RecordParams; Body: { stage: 'first' | 'second'; comment?: string } }>('/api/records/:entity/:id/review', {
    schema: {
      tags, params: recordParams,
      body: { type: 'object', required: ['stage'], additionalProperties: false, properties: { stage: { type: 'string', enum: ['first', 'second'] }, comment: { type: 'string', maxLength: 2000 } } },
      response: { 200: recordSchema, ...errors(403, 404, 409, 422) },
    },
  }, async (request) => repo().review(request.params.entity, request.params.id, request.body.stage, request.user.username, request.body.comment));

  await app.register(recordBulkRoutes);
}
