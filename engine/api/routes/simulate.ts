import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import type { Simulator } from '../../simulation/run.js';
import type { SimulationRequest } from '../../simulation/request.js';
import { errors } from './schemas.js';

/** Who may simulate: those who may change processes (admins) and process admins, who design them. */
export const SIMULATION_ROLES = ['admin', 'process_admin'];

const duration = { type: 'string', minLength: 2, maxLength: 40 } as const;
const simulateBody = {
  type: 'object', required: ['process', 'record'], additionalProperties: false,
  properties: {
    bundle: { type: 'object', additionalProperties: true },
    process: { type: 'string', minLength: 1, maxLength: 100 },
    record: { type: 'object', additionalProperties: true },
    requester: { type: 'string', minLength: 1, maxLength: 100 },
    start: { type: 'string', format: 'date-time' },
    until: { type: 'string', minLength: 2, maxLength: 40 },
    script: {
      type: 'object', additionalProperties: false,
      properties: {
        tasks: {
          type: 'array', maxItems: 200, items: {
            type: 'object', required: ['step'], additionalProperties: false,
            properties: {
              process: { type: 'string', minLength: 1, maxLength: 100 },
              step: { type: 'string', minLength: 1, maxLength: 100 }, outcome: { type: 'string', minLength: 1, maxLength: 100 },
              data: { type: 'object', additionalProperties: true }, comment: { type: 'string', maxLength: 2000 },
              by: { type: 'string', minLength: 1, maxLength: 100 }, after: duration,
            },
          },
        },
        events: {
          type: 'array', maxItems: 200, items: {
            type: 'object', required: ['name', 'after'], additionalProperties: false,
            properties: { process: { type: 'string', minLength: 1, maxLength: 100 }, name: { type: 'string', minLength: 1, maxLength: 63 }, after: duration, payload: {} },
          },
        },
        records: {
          type: 'array', maxItems: 200, items: {
            type: 'object', required: ['after', 'set'], additionalProperties: false,
            properties: { after: duration, set: { type: 'object', additionalProperties: true } },
          },
        },
      },
    },
  },
} as const;

const at = { type: 'string', format: 'date-time' } as const;
const nullableString = { type: ['string', 'null'] } as const;
/** Marks what belongs to another run than the simulated one (a sub-process, a run a step started). */
const runMark = { process: { type: 'string' }, processId: { type: 'string' } } as const;
const simulateResponse = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['completed', 'failed', 'cancelled', 'waiting', 'running'] },
    outcome: nullableString,
    error: { type: ['object', 'null'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
    processId: { type: 'string' }, recordId: { type: 'string' }, start: at, end: at,
    waitingFor: { type: ['object', 'null'], additionalProperties: true },
    timeline: { type: 'array', items: { type: 'object', properties: { at, step: { type: 'string' }, event: { type: 'string' }, detail: { type: 'object', additionalProperties: true }, ...runMark } } },
    tasks: {
      type: 'array', items: {
        type: 'object', properties: {
          step: { type: 'string' }, kind: { type: 'string' }, title: { type: 'string' }, assignee: nullableString, candidates: { type: 'array', items: { type: 'string' } },
          status: { type: 'string' }, createdAt: at, completedAt: { type: ['string', 'null'] }, outcome: nullableString, actor: nullableString, dueAt: nullableString, ...runMark,
        },
      },
    },
    notifications: { type: 'array', items: { type: 'object', properties: { at, to: { type: 'string' }, kind: { type: 'string' }, title: { type: 'string' }, ...runMark } } },
    recordChanges: {
      type: 'array', items: {
        type: 'object', properties: { at, recordId: { type: 'string' }, entity: { type: 'string' }, set: { type: 'object', additionalProperties: true }, action: { type: 'string' }, actor: { type: 'string' }, ...runMark },
      },
    },
    webhooks: { type: 'array', items: { type: 'object', properties: { at, event: { type: 'string' }, payload: { type: 'object', additionalProperties: true } } } },
    unused: { type: 'array', items: { type: 'string' } },
    elapsedMs: { type: 'integer' },
  },
} as const;

export default async function simulateRoutes(app: FastifyInstance) {
  // loaded on the first simulation: an API that never simulates never loads the worker and test-server modules
  let simulator: Promise<Simulator> | undefined;
  const load = () => simulator ??= import('../../simulation/run.js')
    .then(({ Simulator }) => new Simulator(() => app.deps.orm.em.fork(), app.deps.simulation ?? {}, app.deps.processHistoryLimit));

  app.post<{ Body: SimulationRequest }>('/api/config/simulate', {
    schema: { tags: ['config'], body: simulateBody, response: { 200: simulateResponse, ...errors(403, 404, 422, 503, 504) } },
  }, async (request) => {
    if (!request.user.roles.some((r) => SIMULATION_ROLES.includes(r))) throw new DomainError('FORBIDDEN', 'simulating processes needs the admin or process_admin role');
    return (await load()).run(request.body, request.user.username);
  });
}
