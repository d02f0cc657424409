import type { FastifyInstance } from 'fastify';
import { pipelineBoard } from '../../db/pipeline-board.js';
import { pipelineReport, pipelineReports, type PipelineReport, type ReportOptions } from '../../db/pipeline-reports.js';
import { operationsReport, operationsReports, type OperationsReport, type OperationsReportOptions } from '../../db/operations-reports.js';
import { recordSchema, errors } from './schemas.js';
import { listAccessOf } from '../policy/hook.js';

const num = { type: 'number' } as const;
const int = { type: 'integer' } as const;
const str = { type: 'string' } as const;
const nullableNum = { type: ['number', 'null'] } as const;
const nullableStr = { type: ['string', 'null'] } as const;

const columnSchema = {
  type: 'object',
  properties: {
    stage: str, label: str, category: { type: 'string', enum: ['open', 'won', 'lost'] }, probability: num, count: int, amount: num, weightedAmount: num,
    items: { type: 'array', items: recordSchema }, nextCursor: nullableStr,
  },
} as const;

/** The row of each report (docs/pipelines.md describes the columns). */
const reportRows: Record<PipelineReport, Record<string, unknown>> = {
  funnel: { stage: str, label: str, category: str, probability: num, count: int, amount: num, weightedAmount: num, reached: int },
  forecast: { month: nullableStr, owner: nullableStr, count: int, amount: num, weightedAmount: num },
  conversion: { from: str, to: str, count: int, rate: num },
  'stage-duration': { stage: str, stays: int, averageDays: nullableNum, p90Days: nullableNum },
  'win-rate': { owner: nullableStr, won: int, lost: int, wonAmount: num, winRate: nullableNum },
  'lost-reasons': { reason: nullableStr, count: int, amount: num },
};

/** The row of each report over tasks, runs and receivables (decision 0082). */
const operationsRows: Record<OperationsReport, Record<string, unknown>> = {
  'sla-breaches': { process: str, step: str, total: int, breached: int, openBreached: int, breachRate: num },
  'approval-cycle-time': { process: str, runs: int, averageHours: num, p90Hours: num, maxHours: num },
  'receivables-ageing': { bucket: { type: 'string', enum: ['current', '1-30', '31-60', '61-90', '90+'] }, count: int, outstanding: num },
};

const field = (description: string) => ({ type: 'string', maxLength: 100, description }) as const;
const operationsQuery = {
  type: 'object', additionalProperties: false,
  properties: {
    process: field('sla-breaches, approval-cycle-time: only this process'),
    since: { type: 'string', maxLength: 40, description: 'Tasks created (runs started) at or after this ISO 8601 instant' },
    until: { type: 'string', maxLength: 40, description: 'Tasks created (runs started) before this instant' },
    entity: field('receivables-ageing: the entity (default receivable)'),
    amountField: field('receivables-ageing: the amount field (default amount; a money field is read through its amount)'),
    paidField: field('receivables-ageing: the paid field (default paidAmount)'),
    dueField: field('receivables-ageing: the due date field (default dueDate)'),
    asOf: { type: 'string', maxLength: 40, description: 'receivables-ageing: count ages to this day (default today)' },
  },
} as const;

const reportQuery = {
  type: 'object', required: ['pipeline'], additionalProperties: false,
  properties: {
    pipeline: { type: 'string', maxLength: 100, description: 'The pipeline (sales method) reported on' },
    filter: { type: 'string', maxLength: 4000, description: 'A CEL records filter, as on GET /api/records/:entity' },
    since: { type: 'string', maxLength: 40, description: 'Stays entered at or after this ISO 8601 instant (forecast: close dates from this day)' },
    until: { type: 'string', maxLength: 40, description: 'Stays entered before this instant (forecast: close dates before this day)' },
    locale: { type: 'string', maxLength: 20, description: 'Locale of stage labels (default en)' },
  },
} as const;

/** The kanban board of a pipeline and its reports (docs/pipelines.md). */
export default async function pipelineRoutes(app: FastifyInstance) {
  app.get<{ Params: { name: string }; Querystring: { filter?: string; limit?: number; stage?: string; cursor?: string; locale?: string } }>('/api/pipelines/:name/board', {
    schema: {
      tags: ['pipelines'],
      params: { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 100 } } },
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          filter: reportQuery.properties.filter,
          limit: { type: 'integer', minimum: 1, maximum: 200, default: 20, description: 'Items per column' },
          stage: { type: 'string', maxLength: 100, description: 'Only this column (required with cursor)' },
          cursor: { type: 'string', maxLength: 500, description: "A column's nextCursor" },
          locale: reportQuery.properties.locale,
        },
      },
      response: { 200: { type: 'object', properties: { pipeline: str, entity: str, columns: { type: 'array', items: columnSchema } } }, ...errors(404, 422) },
    },
  }, async (request) => pipelineBoard(app.deps.orm.em.fork(), request.params.name, { ...request.query, limit: request.query.limit ?? 20, access: listAccessOf(request) }));

  for (const report of pipelineReports) {
    app.get<{ Querystring: ReportOptions }>(`/api/reports/${report}`, {
      schema: {
        tags: ['reports'], querystring: reportQuery,
        response: {
          200: { type: 'object', properties: { rows: { type: 'array', items: { type: 'object', properties: reportRows[report] } }, generatedAt: { type: 'string', format: 'date-time' } } },
          ...errors(404, 422),
        },
      },
    }, async (request) => pipelineReport(app.deps.orm.em.fork(), report, request.query, listAccessOf(request)));
  }

  for (const report of operationsReports) {
    app.get<{ Querystring: OperationsReportOptions }>(`/api/reports/${report}`, {
      schema: {
        tags: ['reports'], querystring: operationsQuery,
        response: {
          200: { type: 'object', properties: { rows: { type: 'array', items: { type: 'object', properties: operationsRows[report] } }, generatedAt: { type: 'string', format: 'date-time' } } },
          ...errors(404, 422),
        },
      },
    }, async (request) => operationsReport(app.deps.orm.em.fork(), report, request.query));
  }
}
