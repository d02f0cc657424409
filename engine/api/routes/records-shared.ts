import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { recordSchema } from './schemas.js';

export interface EntityParams { entity: string }
export interface RecordParams { entity: string; id: string }

export const entityParams = { type: 'object', required: ['entity'], properties: { entity: { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9_-]{0,62}$' } } } as const;
export const recordParams = { type: 'object', required: ['entity', 'id'], properties: { entity: entityParams.properties.entity, id: { type: 'string', maxLength: 100 } } } as const;

const nullableString = { type: ['string', 'null'] } as const;

/** A record as the API returns it; `review` only for entities with maker-checker review. */
export const recordWithReviewSchema = {
  ...recordSchema,
  properties: {
    ...recordSchema.properties,
    review: {
      type: 'object',
      properties: {
        state: { type: 'string', enum: ['unreviewed', 'first_reviewed', 'reviewed'] },
        firstReviewer: nullableString, firstReviewedAt: nullableString, secondReviewer: nullableString, secondReviewedAt: nullableString,
      },
    },
    pendingStage: {
      type: 'object', description: 'Present while a stage move awaits its approval (POST /api/records/:entity/:id/stage answered 202)',
      properties: { to: { type: 'string' }, processId: { type: 'string' } },
    },
  },
} as const;

/** The answer to a create or an update: the record, plus the warnings of the entity's rules when any fired. */
export const recordWriteSchema = {
  ...recordWithReviewSchema,
  properties: {
    ...recordWithReviewSchema.properties,
    warnings: {
      type: 'array', description: 'Warning rules of the entity that fired; the write is stored (docs/records.md, Entity rules)',
      items: {
        type: 'object', required: ['code', 'rule', 'message', 'path'],
        properties: {
          code: { type: 'string', enum: ['RULE_WARNING', 'RULE_NOT_EVALUATED'] }, rule: { type: 'string' }, message: { type: 'string' },
          messages: { type: 'object', additionalProperties: { type: 'string' } }, path: { type: 'string' },
        },
      },
    },
  },
} as const;

/** The list's filter and sort, shared by the list and the export. */
export const listQueryProperties = {
  sort: { type: 'string', maxLength: 200 },
  filter: { type: 'string', maxLength: 4000 },
  review: { type: 'string', maxLength: 40 },
} as const;

export function ifMatch(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const value = Number(String(header).replace(/^W\//, '').replace(/"/g, ''));
  if (!Number.isInteger(value) || value < 1) {
    throw new DomainError('BAD_REQUEST', 'If-Match must be a record version number', [{ path: '/headers/if-match', message: 'not a version' }]);
  }
  return value;
}
