import type { FastifyInstance } from 'fastify';
import { RecordRepository } from '../../db/records.js';
import { StageStays } from '../../db/stage-stays.js';
import { moveStage } from '../services/stage-move.js';
import { errors } from './schemas.js';
import { ifMatch, recordParams, recordWithReviewSchema, type RecordParams } from './records-shared.js';

interface StageBody { to: string; reason?: string; data?: Record<string, unknown>; pipeline?: string }

const stageBody = {
  type: 'object', required: ['to'], additionalProperties: false,
  properties: {
    to: { type: 'string', minLength: 1, maxLength: 100, description: 'The target stage id' },
    reason: { type: 'string', maxLength: 2000, description: "Fills the pipeline's won or lost reason field when the target is closed; kept on the stay" },
    data: { type: 'object', additionalProperties: true, description: 'Fields written in the same transaction as the move (merge-patch)' },
    pipeline: { type: 'string', maxLength: 100, description: 'Moves the record into another pipeline of its entity' },
  },
} as const;

const pendingSchema = {
  type: 'object', required: ['pending'],
  properties: { pending: { type: 'object', properties: { to: { type: 'string' }, processId: { type: 'string' } } } },
} as const;

const staySchema = {
  type: 'object',
  properties: {
    stage: { type: 'string' }, pipeline: { type: 'string' }, from: { type: ['string', 'null'] },
    enteredAt: { type: 'string', format: 'date-time' }, leftAt: { type: ['string', 'null'], format: 'date-time' },
    actor: { type: 'string', description: 'Who moved the record into the stage' }, leftBy: { type: ['string', 'null'] },
    reason: { type: ['string', 'null'] }, daysInStage: { type: 'number', description: 'Until leftAt, or until now for the current stay' },
  },
} as const;

/** Stage moves and stage history of records (docs/pipelines.md). */
export default async function stageRoutes(app: FastifyInstance) {
  const tags = ['pipelines'];

  app.post<{ Params: RecordParams; Body: StageBody }>('/api/records/:entity/:id/stage', {
    schema: {
      tags, params: recordParams, body: stageBody,
      response: { 200: recordWithReviewSchema, 202: pendingSchema, ...errors(400, 404, 409, 412, 422) },
    },
  }, async (request, reply) => {
    const { entity, id } = request.params;
    const result = await moveStage(app.deps, { entity, recordId: id, ...request.body, actor: request.user.username, ifMatch: ifMatch(request) });
    if ('pending' in result) return reply.status(202).send(result);
    return reply.header('etag', String(result.moved.version)).send(result.moved);
  });

  app.get<{ Params: RecordParams }>('/api/records/:entity/:id/stages', {
    schema: {
      tags, params: recordParams,
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: staySchema } } }, ...errors(404) },
    },
  }, async (request) => {
    const em = app.deps.orm.em.fork();
    await new RecordRepository(em).get(request.params.entity, request.params.id);
    const now = Date.now();
    const stays = await new StageStays(em).history(request.params.id);
    return {
      items: stays.map((s) => ({
        stage: s.stage, pipeline: s.pipeline, from: s.fromStage, enteredAt: s.enteredAt, leftAt: s.leftAt, actor: s.enteredBy, leftBy: s.leftBy,
        reason: s.reason, daysInStage: Math.round(((s.leftAt ? Date.parse(s.leftAt) : now) - Date.parse(s.enteredAt)) / 864e3) / 100,
      })),
    };
  });
}
