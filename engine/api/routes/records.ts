import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RecordRepository } from '../../db/records.js';
import { DomainError } from '../../domain/errors.js';
import { errors, recordSchema } from './schemas.js';

interface EntityParams { entity: string }
interface RecordParams { entity: string; id: string }

const entityParams = { type: 'object', required: ['entity'], properties: { entity: { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9_-]{0,62}$' } } } as const;
const recordParams = { type: 'object', required: ['entity', 'id'], properties: { entity: entityParams.properties.entity, id: { type: 'string' } } } as const;
const dataBody = { type: 'object', additionalProperties: true } as const;

/** The body is the record's data, or `{data: {...}}`; error paths point into the body as sent. */
function unwrap(body: Record<string, unknown>): { data: Record<string, unknown>; prefix: string } {
  const keys = Object.keys(body);
  if (keys.length === 1 && keys[0] === 'data' && body.data && typeof body.data === 'object' && !Array.isArray(body.data)) {
    return { data: body.data as Record<string, unknown>, prefix: '/data' };
  }
  return { data: body, prefix: '' };
}

function ifMatch(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const value = Number(String(header).replace(/^W\//, '').replace(/"/g, ''));
  if (!Number.isInteger(value) || value < 1) {
    throw new DomainError('BAD_REQUEST', 'If-Match must be a record version number', [{ path: '/headers/if-match', message: 'not a version' }]);
  }
  return value;
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  try {
    const offset = JSON.parse(Buffer.from(cursor, 'base64url').toString()).o;
    if (Number.isInteger(offset) && offset >= 0) return offset;
  } catch { /* reported below */ }
  throw new DomainError('VALIDATION_FAILED', 'the cursor is not valid', [{ path: '/query/cursor', message: 'use nextCursor from a previous page' }]);
}

export default async function recordRoutes(app: FastifyInstance) {
  const repo = () => new RecordRepository(app.deps.orm.em.fork());
  const tags = ['records'];

  app.post<{ Params: EntityParams; Body: Record<string, unknown> }>('/api/records/:entity', {
    schema: { tags, params: entityParams, body: dataBody, response: { 201: recordSchema, ...errors(404, 422) } },
  }, async (request, reply) => {
    const { data, prefix } = unwrap(request.body);
    const record = await repo().create(request.params.entity, data, request.user.username, prefix);
    return reply.status(201).header('etag', String(record.version)).send(record);
  });

  app.get<{ Params: EntityParams; Querystring: { limit?: number; cursor?: string; sort?: string; filter?: string } }>('/api/records/:entity', {
    schema: {
      tags, params: entityParams,
      querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 }, cursor: { type: 'string' }, sort: { type: 'string' }, filter: { type: 'string' } } },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: recordSchema }, nextCursor: { type: ['string', 'null'] } } }, ...errors(404, 422) },
    },
  }, async (request) => {
    if (request.query.filter) {
      throw new DomainError('VALIDATION_FAILED', 'filters are not supported yet', [{ path: '/query/filter', message: 'not supported' }]);
    }
    const { items, nextOffset } = await repo().list(request.params.entity, { limit: request.query.limit ?? 50, offset: decodeCursor(request.query.cursor), sort: request.query.sort });
    return { items, nextCursor: nextOffset === null ? null : encodeCursor(nextOffset) };
  });

  app.get<{ Params: RecordParams }>('/api/records/:entity/:id', {
    schema: { tags, params: recordParams, response: { 200: recordSchema, ...errors(404) } },
  }, async (request, reply) => {
    const record = await repo().get(request.params.entity, request.params.id);
    return reply.header('etag', String(record.version)).send(record);
  });

  app.patch<{ Params: RecordParams; Body: Record<string, unknown> }>('/api/records/:entity/:id', {
    schema: { tags, params: recordParams, body: dataBody, response: { 200: recordSchema, ...errors(404, 412, 422) } },
  }, async (request, reply) => {
    const { data, prefix } = unwrap(request.body);
    const record = await repo().patch(request.params.entity, request.params.id, data, request.user.username, ifMatch(request), prefix);
    return reply.header('etag', String(record.version)).send(record);
  });

  app.delete<{ Params: RecordParams }>('/api/records/:entity/:id', {
    schema: { tags, params: recordParams, response: errors(404, 412) },
  }, async (request, reply) => {
    await repo().softDelete(request.params.entity, request.params.id, request.user.username, ifMatch(request));
    return reply.status(204).send();
  });

  app.get<{ Params: RecordParams }>('/api/records/:entity/:id/history', {
    schema: { tags, params: recordParams, response: errors(404) },
  }, async (request) => ({ items: await repo().history(request.params.entity, request.params.id) }));
}
