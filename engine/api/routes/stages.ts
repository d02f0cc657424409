import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { RecordRepository } from '../../db/records.js';
import { StageStays } from '../../db/stage-stays.js';
import { moveStage } from '../services/stage-move.js';
import { AnyObject, errors, itemsOf, Nullable } from './schemas.js';
import { ifMatch, ifMatchHeaders, recordParams, recordWithReviewSchema } from './records-shared.js';

const stageBody = Type.Object({
  to: Type.String({ minLength: 1, maxLength: 100, description: 'The target stage id' }),
  reason: Type.Optional(Type.String({ maxLength: 2000, description: "Fills the pipeline's won or lost reason field when the target is closed; kept on the stay" })),
  data: Type.Optional(AnyObject({ description: 'Fields written in the same transaction as the move (merge-patch)' })),
  pipeline: Type.Optional(Type.String({ maxLength: 100, description: 'Moves the record into another pipeline of its entity' })),
}, { additionalProperties: false });

const pendingSchema = Type.Object({ pending: Type.Object({ to: Type.String(), processId: Type.String() }) });

const nullableString = Nullable(Type.String());
const staySchema = Type.Object({
  stage: Type.String(), pipeline: Type.String(), from: nullableString,
  enteredAt: Type.String({ format: 'date-time' }), leftAt: Nullable(Type.String({ format: 'date-time' })),
  actor: Type.String({ description: 'Who moved the record into the stage' }), leftBy: nullableString,
  reason: nullableString, daysInStage: Type.Number({ description: 'Until leftAt, or until now for the current stay' }),
});

/** Stage moves and stage history of records (docs/pipelines.md). */
export default async function stageRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['pipelines'];

  app.post('/api/records/:entity/:id/stage', {
    schema: {
      tags, params: recordParams, headers: ifMatchHeaders, body: stageBody,
      response: { 200: recordWithReviewSchema, 202: pendingSchema, ...errors(404, 409, 422) },
    },
  }, async (request, reply) => {
    const { entity, id } = request.params;
    const result = await moveStage(app.deps, { entity, recordId: id, ...request.body, actor: request.user.username, ifMatch: ifMatch(request) });
    if ('pending' in result) return reply.status(202).send(result);
    return reply.header('etag', String(result.moved.version)).send(result.moved);
  });

  app.get('/api/records/:entity/:id/stages', {
    schema: { tags, params: recordParams, response: { 200: itemsOf(staySchema), ...errors(404) } },
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
