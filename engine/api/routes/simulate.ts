import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Simulator } from '../../simulation/run.js';
import { simulationRequestSchema } from '../../simulation/request.js';
import { AnyObject, DocumentedEnum, errors, Nullable, OpaqueObject } from './schemas.js';

const at = Type.String({ format: 'date-time' });
const str = Type.String();
const nullableString = Nullable(Type.String());
/** Marks what belongs to another run than the simulated one (a sub-process, a run a step started). */
const runMark = { process: Type.Optional(str), processId: Type.Optional(str) };
const simulateResponse = Type.Object({
  status: DocumentedEnum(['completed', 'failed', 'cancelled', 'waiting', 'running']),
  outcome: nullableString,
  error: Nullable(Type.Object({ code: str, message: str })),
  processId: str, recordId: str, start: at, end: at,
  waitingFor: Type.Unsafe<unknown>({ type: ['object', 'null'], additionalProperties: true }),
  timeline: Type.Array(Type.Object({ at, step: str, event: str, detail: Type.Optional(AnyObject()), ...runMark })),
  tasks: Type.Array(Type.Object({
    step: str, kind: str, title: str, assignee: nullableString, candidates: Type.Array(str),
    status: str, createdAt: at, completedAt: nullableString, outcome: nullableString, actor: nullableString, dueAt: nullableString, ...runMark,
  })),
  notifications: Type.Array(Type.Object({ at, to: str, kind: str, title: str, ...runMark })),
  recordChanges: Type.Array(Type.Object({ at, recordId: str, entity: str, set: AnyObject(), action: str, actor: str, ...runMark })),
  webhooks: Type.Array(Type.Object({ at, event: str, payload: OpaqueObject() })),
  unused: Type.Array(str),
  elapsedMs: Type.Integer(),
});

export default async function simulateRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // loaded on the first simulation: an API that never simulates never loads the worker and test-server modules
  let simulator: Promise<Simulator> | undefined;
  const load = () => simulator ??= import('../../simulation/run.js')
    .then(({ Simulator }) => new Simulator(() => app.deps.orm.em.fork(), app.deps.simulation ?? {}, app.deps.processHistoryLimit));

  app.post('/api/config/simulate', {
    schema: { tags: ['config'], body: simulationRequestSchema, response: { 200: simulateResponse, ...errors(404, 422, 504) } },
  }, async (request) => {
    return (await load()).run(request.body, request.user.username);
  });
}
