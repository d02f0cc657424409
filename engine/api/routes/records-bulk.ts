import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { RecordRepository, type RecordDto } from '../../db/records.js';
import { importJob, importRows, resumeImportJobs, startImportJob } from '../../db/record-import.js';
import { csvLine, csvToData, parseCsv } from '../../domain/records/csv.js';
import { DomainError } from '../../domain/errors.js';
import { DocumentedEnum, errorSchema, errors, StringEnum } from './schemas.js';
import { afterStageMoves } from '../../temporal/stage-effects.js';
import { entityParams, listQueryProperties } from './records-shared.js';
import { listAccessOf } from '../policy/hook.js';

/** Imports with more rows run in the background: 202 and a job to poll. */
export const BACKGROUND_IMPORT_ROWS = 200;
const MAX_IMPORT_ROWS = 50_000;
const EXPORT_PAGE = 500;

const importResult = Type.Object({
  imported: Type.Integer(), failed: Type.Integer(),
  errors: Type.Array(Type.Object({ row: Type.Integer(), path: Type.String(), message: Type.String() })),
});

/** An all-or-nothing import with invalid rows: the error envelope with the result (a refused request: the envelope alone). */
const importRefused = Type.Object({ ...errorSchema.properties, ...Type.Partial(importResult).properties });

const importQuery = Type.Object({ mode: Type.Optional(StringEnum(['all-or-nothing', 'valid-only'], { default: 'all-or-nothing' })) });
const jobParams = Type.Object({ entity: entityParams.properties.entity, job: Type.String({ maxLength: 100 }) });
const jobSchema = Type.Object({
  id: Type.String(), mode: DocumentedEnum(['all-or-nothing', 'valid-only']), total: Type.Integer(), processed: Type.Integer(),
  ...importResult.properties, status: DocumentedEnum(['running', 'completed', 'rejected', 'error']),
});
/** Streamed, never serialized by the route: a JSON array of the records (`format=json`) or CSV with a header row. */
const exportedSchema = Type.Unsafe<Readable>({ description: 'The records as a JSON array, or as CSV with a header row (format=csv)' });
const exportQuery = Type.Object({ format: Type.Optional(StringEnum(['csv', 'json'], { default: 'json' })), ...listQueryProperties });

/** Bulk import (JSON array or CSV with a header row) and streaming export of an entity's records. */
export default async function recordBulkRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const repo = () => new RecordRepository(app.deps.orm.em.fork());
  const tags = ['records'];
  app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string', bodyLimit: 20 * 1024 * 1024 }, (_request, body, done) => done(null, body));
  // Imported moves have the effects of any other move: stale clocks, stage triggers, onEnter.startProcess.
  const afterImport = (moves: Parameters<typeof afterStageMoves>[1]) => afterStageMoves(app.deps, moves);
  // background imports whose API died are resumed by a replica that lives (record-import.ts)
  // (inside the promise: a synchronous failure, e.g. no database configured, is logged like an asynchronous one)
  const resume = () => void Promise.resolve().then(() => resumeImportJobs(app.deps.orm.em.fork(), (entity) => repo().context(entity), afterImport))
    .catch((err: unknown) => app.log.warn({ err }, 'import jobs not resumed'));
  const resumer = setInterval(resume, 5000);
  resumer.unref();
  app.addHook('onReady', async () => resume());
  app.addHook('onClose', async () => clearInterval(resumer));

  app.post('/api/records/:entity/import', {
    bodyLimit: 20 * 1024 * 1024,
    schema: {
      tags, params: entityParams, querystring: importQuery,
      response: {
        200: importResult,
        202: Type.Object({ job: Type.String(), total: Type.Integer(), status: Type.String() }),
        ...errors(404),
        422: importRefused,
      },
    },
  }, async (request, reply) => {
    const records = repo();
    const ctx = await records.context(request.params.entity);
    const rows = typeof request.body === 'string' ? csvToData(parseCsv(request.body), ctx.catalog) : request.body;
    if (!Array.isArray(rows)) throw new DomainError('VALIDATION_FAILED', 'the import is a JSON array of records or CSV with a header row', [{ path: '/body', message: 'not an array' }]);
    if (rows.length > MAX_IMPORT_ROWS) throw new DomainError('VALIDATION_FAILED', `at most ${MAX_IMPORT_ROWS} rows per import`, [{ path: '/body', message: `${rows.length} rows` }]);
    const mode = request.query.mode ?? 'all-or-nothing';
    if (rows.length > BACKGROUND_IMPORT_ROWS) {
      const job = await startImportJob(app.deps.orm.em.fork(), ctx, rows, request.user.username, mode, afterImport);
      return reply.status(202).header('location', `/api/records/${ctx.entity}/import/${job.id}`).send({ job: job.id, total: job.total, status: job.status });
    }
    const result = await importRows(app.deps.orm.em.fork(), ctx, rows, request.user.username, mode, undefined, afterImport);
    if (mode === 'all-or-nothing' && result.failed) {
      return reply.status(422).send({
        error: {
          code: 'VALIDATION_FAILED', message: `${result.failed} of ${rows.length} rows are invalid; nothing was imported`,
          details: result.errors.map((e) => ({ path: `/${e.row - 1}${e.path}`, message: e.message })),
        },
        ...result,
      });
    }
    return result;
  });

  app.get('/api/records/:entity/import/:job', {
    schema: { tags, params: jobParams, response: { 200: jobSchema, ...errors(404) } },
  }, async (request) => {
    const { id, total, processed, imported, failed, status, errors: rowErrors, mode } = await importJob(app.deps.orm.em.fork(), request.params.job, request.params.entity, request.user);
    return { id, mode, total, processed, imported, failed, status, errors: rowErrors };
  });

  app.get('/api/records/:entity/export', {
    schema: { tags, params: entityParams, querystring: exportQuery, response: { 200: exportedSchema, ...errors(404, 422) } },
  }, async (request, reply) => {
    const records = repo();
    const { entity } = request.params;
    const ctx = await records.context(entity);
    const { format, sort, filter, review } = request.query;
    const access = listAccessOf(request);
    const first = await records.list(entity, { sort, filter, review, limit: EXPORT_PAGE, access });
    const fields = Object.keys(ctx.catalog).filter((f) => !access?.hidden.includes(f)).sort();
    const reviewed = ctx.features.reviewRequired;
    const line = (r: RecordDto) => csvLine([r.id, r.version, r.createdAt, r.updatedAt, r.createdBy, r.updatedBy,
      ...(reviewed ? [r.review?.state] : []), ...fields.map((f) => r.data[f])]);
    async function* pages() {
      let page = first;
      let index = 0;
      if (format === 'csv') yield csvLine(['id', 'version', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy', ...(reviewed ? ['review.state'] : []), ...fields]);
      else yield '[';
      for (;;) {
        for (const item of page.items) yield format === 'csv' ? line(item) : `${index++ ? ',' : ''}\n${JSON.stringify(item)}`;
        if (!page.nextCursor) break;
        page = await records.list(entity, { sort, filter, review, limit: EXPORT_PAGE, cursor: page.nextCursor, access });
      }
      if (format !== 'csv') yield '\n]\n';
    }
    return reply
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="${entity}.${format}"`)
      .send(Readable.from(pages()));
  });
}
