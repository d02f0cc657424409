import type { FastifyRequest } from 'fastify';
import Type, { type Static } from 'typebox';
import { DomainError } from '../../domain/errors.js';
import { Nullable, recordSchema, StringEnum } from './schemas.js';

const entityName = Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_-]{0,62}$' });
export const entityParams = Type.Object({ entity: entityName });
export const recordParams = Type.Object({ entity: entityName, id: Type.String({ maxLength: 100 }) });
export type EntityParams = Static<typeof entityParams>;
export type RecordParams = Static<typeof recordParams>;

const nullableString = Nullable(Type.String());

/** A record as the API returns it; `review` only for entities with maker-checker review. */
export const recordWithReviewSchema = Type.Object({
  ...recordSchema.properties,
  review: Type.Optional(Type.Object({
    state: StringEnum(['unreviewed', 'first_reviewed', 'reviewed']),
    firstReviewer: nullableString, firstReviewedAt: nullableString, secondReviewer: nullableString, secondReviewedAt: nullableString,
  })),
  pendingStage: Type.Optional(Type.Object(
    { to: Type.String(), processId: Type.String() },
    { description: 'Present while a stage move awaits its approval (POST /api/records/:entity/:id/stage answered 202)' },
  )),
});

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
  sort: Type.Optional(Type.String({ maxLength: 200 })),
  filter: Type.Optional(Type.String({ maxLength: 4000 })),
  review: Type.Optional(Type.String({ maxLength: 40 })),
};

export function ifMatch(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const value = Number(String(header).replace(/^W\//, '').replace(/"/g, ''));
  if (!Number.isInteger(value) || value < 1) {
    throw new DomainError('BAD_REQUEST', 'If-Match must be a record version number', [{ path: '/headers/if-match', message: 'not a version' }]);
  }
  return value;
}
