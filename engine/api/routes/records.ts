import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { RecordRepository } from '../../db/records.js';
import { PendingApprovals } from '../../db/pending-approvals.js';
import { afterRecordWrite } from '../services/record-events.js';
import { hasTrigger } from '../../temporal/triggers.js';
import { AnyObject, errors, historyEntrySchema, itemsOf, noContent, Nullable, StringEnum } from './schemas.js';
import { idempotentId } from '../plugins/idempotency.js';
import { DomainError } from '../../domain/errors.js';
import { entityParams, ifMatch, ifMatchHeaders, listQueryProperties, recordParams, recordWithReviewSchema as recordSchema, recordWriteSchema } from './records-shared.js';
import recordBulkRoutes from './records-bulk.js';
import { afterWrites } from '../services/stage-effects.js';
import { listAccessOf, recordBody as unwrap } from '../policy/hook.js';

/** Record data is dynamic per entity: the entity's configured schema validates it, not the route's. */
const dataBody = AnyObject();

const listQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })), cursor: Type.Optional(Type.String({ maxLength: 2000 })),
  total: Type.Optional(Type.Boolean({ default: false })), ...listQueryProperties,
});

const listSchema = Type.Object({ items: Type.Array(recordSchema), nextCursor: Nullable(Type.String()), total: Type.Optional(Type.Integer()) });

/** A single record read also says which fields pending approvals lock and which processes hold them (read-only). */
const recordReadSchema = Type.Object({
  ...recordSchema.properties,
  locks: Type.Object({ fields: Type.Array(Type.String()), processIds: Type.Array(Type.String()) }),
});

const reviewBody = Type.Object({ stage: StringEnum(['first', 'second']), comment: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });

/** An approval's workflow id is `<processId>:<step>`; the lock names the process, which `GET /api/processes/:id` reads. */
const processIdOf = (approvalWorkflowId: string) => approvalWorkflowId.slice(0, approvalWorkflowId.lastIndexOf(':'));

export default async function recordRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const repo = () => new RecordRepository(app.deps.orm.em.fork());
  const tags = ['records'];

  app.post('/api/records/:entity', {
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

  app.get('/api/records/:entity', {
    schema: { tags, params: entityParams, querystring: listQuery, response: { 200: listSchema, ...errors(404, 422) } },
  }, async (request) => {
    const { limit, cursor, sort, filter, total, review } = request.query;
    return repo().list(request.params.entity, { limit: limit ?? 50, cursor, sort, filter, total, review, access: listAccessOf(request) });
  });

  app.get('/api/records/:entity/:id', {
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

  app.patch('/api/records/:entity/:id', {
    schema: { tags, params: recordParams, headers: ifMatchHeaders, body: dataBody, response: { 200: recordWriteSchema, ...errors(404, 409, 422) } },
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

  app.delete('/api/records/:entity/:id', {
    schema: { tags, params: recordParams, headers: ifMatchHeaders, response: { 204: noContent, ...errors(404, 409) } },
  }, async (request, reply) => {
    await repo().softDelete(request.params.entity, request.params.id, request.user.username, ifMatch(request));
    return reply.status(204).send(null);
  });

  app.get('/api/records/:entity/:id/history', {
    schema: { tags, params: recordParams, response: { 200: itemsOf(historyEntrySchema), ...errors(404) } },
  }, async (request) => ({ items: await repo().history(request.params.entity, request.params.id) }));

  app.post('/api/records/:entity/:id/restore', {
    schema: { tags, params: recordParams, headers: ifMatchHeaders, response: { 200: recordSchema, ...errors(404, 409) } },
  }, async (request, reply) => {
    const record = await repo().restore(request.params.entity, request.params.id, request.user.username, ifMatch(request));
    return reply.header('etag', String(record.version)).send(record);
  });

  app.post('/api/records/:entity/:id/review', {
    schema: { tags, params: recordParams, body: reviewBody, response: { 200: recordSchema, ...errors(404, 409, 422) } },
  }, async (request) => repo().review(request.params.entity, request.params.id, request.body.stage, request.user.username, request.body.comment));

  await app.register(recordBulkRoutes);
}
