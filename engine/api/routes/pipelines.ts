import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type, { type TProperties } from 'typebox';
import { pipelineBoard } from '../../db/pipeline-board.js';
import { pipelineReport, pipelineReports, type PipelineReport } from '../../db/pipeline-reports.js';
import { operationsReport, operationsReports, type OperationsReport } from '../../db/operations-reports.js';
import { recordSchema, errors, Nullable, StringEnum, DocumentedEnum } from './schemas.js';
import { listAccessOf } from '../policy/hook.js';

const num = Type.Number();
const int = Type.Integer();
const str = Type.String();
const nullableNum = Nullable(Type.Number());
const nullableStr = Nullable(Type.String());

const columnSchema = Type.Object({
  stage: str, label: str, category: DocumentedEnum(['open', 'won', 'lost']), probability: num, count: int, amount: num, weightedAmount: num,
  items: Type.Array(recordSchema), nextCursor: nullableStr,
});
const boardSchema = Type.Object({ pipeline: str, entity: str, columns: Type.Array(columnSchema) });

/** The row of each report (docs/pipelines.md describes the columns). */
const reportRows: Record<PipelineReport, TProperties> = {
  funnel: { stage: str, label: str, category: str, probability: num, count: int, amount: num, weightedAmount: num, reached: int },
  forecast: { month: nullableStr, owner: nullableStr, count: int, amount: num, weightedAmount: num },
  conversion: { from: str, to: str, count: int, rate: num },
  'stage-duration': { stage: str, stays: int, averageDays: nullableNum, p90Days: nullableNum },
  'win-rate': { owner: nullableStr, won: int, lost: int, wonAmount: num, winRate: nullableNum },
  'lost-reasons': { reason: nullableStr, count: int, amount: num },
};

/** The row of each report over tasks, runs and receivables (decision 0082). */
const operationsRows: Record<OperationsReport, TProperties> = {
  'sla-breaches': { process: str, step: str, total: int, breached: int, openBreached: int, breachRate: num },
  'approval-cycle-time': { process: str, runs: int, averageHours: num, p90Hours: num, maxHours: num },
  'receivables-ageing': { bucket: StringEnum(['current', '1-30', '31-60', '61-90', '90+']), count: int, outstanding: num },
};

/** `{rows, generatedAt}`; a row's columns are documented, not required (a report may leave one out). */
const reportSchema = (row: TProperties) => Type.Object({
  rows: Type.Array(Type.Unsafe<Record<string, unknown>>(Type.Partial(Type.Object(row)))), generatedAt: Type.String({ format: 'date-time' }),
});

const field = (description: string) => Type.Optional(Type.String({ maxLength: 100, description }));
const instant = (description: string) => Type.Optional(Type.String({ maxLength: 40, description }));
const operationsQuery = Type.Object({
  process: field('sla-breaches, approval-cycle-time: only this process'),
  since: instant('Tasks created (runs started) at or after this ISO 8601 instant'),
  until: instant('Tasks created (runs started) before this instant'),
  entity: field('receivables-ageing: the entity (default receivable)'),
  amountField: field('receivables-ageing: the amount field (default amount; a money field is read through its amount)'),
  paidField: field('receivables-ageing: the paid field (default paidAmount)'),
  dueField: field('receivables-ageing: the due date field (default dueDate)'),
  asOf: instant('receivables-ageing: count ages to this day (default today)'),
}, { additionalProperties: false });

const filter = Type.Optional(Type.String({ maxLength: 4000, description: 'A CEL records filter, as on GET /api/records/:entity' }));
const locale = Type.Optional(Type.String({ maxLength: 20, description: 'Locale of stage labels (default en)' }));
const reportQuery = Type.Object({
  pipeline: Type.String({ maxLength: 100, description: 'The pipeline (sales method) reported on' }),
  filter,
  since: instant('Stays entered at or after this ISO 8601 instant (forecast: close dates from this day)'),
  until: instant('Stays entered before this instant (forecast: close dates before this day)'),
  locale,
}, { additionalProperties: false });

const boardParams = Type.Object({ name: Type.String({ maxLength: 100 }) });
const boardQuery = Type.Object({
  filter,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20, description: 'Items per column' })),
  stage: Type.Optional(Type.String({ maxLength: 100, description: 'Only this column (required with cursor)' })),
  cursor: Type.Optional(Type.String({ maxLength: 500, description: "A column's nextCursor" })),
  locale,
}, { additionalProperties: false });

/** The kanban board of a pipeline and its reports (docs/pipelines.md). */
export default async function pipelineRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/pipelines/:name/board', {
    schema: { tags: ['pipelines'], params: boardParams, querystring: boardQuery, response: { 200: boardSchema, ...errors(404, 422) } },
  }, async (request) => pipelineBoard(app.deps.orm.em.fork(), request.params.name, { ...request.query, limit: request.query.limit ?? 20, access: listAccessOf(request) }));

  for (const report of pipelineReports) {
    app.get(`/api/reports/${report}`, {
      schema: { tags: ['reports'], querystring: reportQuery, response: { 200: reportSchema(reportRows[report]), ...errors(404, 422) } },
    }, async (request) => pipelineReport(app.deps.orm.em.fork(), report, request.query, listAccessOf(request)));
  }

  for (const report of operationsReports) {
    app.get(`/api/reports/${report}`, {
      schema: { tags: ['reports'], querystring: operationsQuery, response: { 200: reportSchema(operationsRows[report]), ...errors(404, 422) } },
    }, async (request) => operationsReport(app.deps.orm.em.fork(), report, request.query));
  }
}
