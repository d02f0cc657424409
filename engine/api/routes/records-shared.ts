import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { DomainError } from '../../domain/errors.js';
import { Nullable, recordSchema, StringEnum } from './schemas.js';

const entityName = Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_-]{0,62}$' });
export const entityParams = Type.Object({ entity: entityName });
export const recordParams = Type.Object({ entity: entityName, id: Type.String({ maxLength: 100 }) });

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

/** A warning rule of the entity that fired on a write. */
const ruleWarningSchema = Type.Object({
  code: StringEnum(['RULE_WARNING', 'RULE_NOT_EVALUATED']), rule: Type.String(), message: Type.String(),
  messages: Type.Optional(Type.Object({}, { additionalProperties: Type.String() })), path: Type.String(),
});

/** The answer to a create or an update: the record, plus the warnings of the entity's rules when any fired. */
export const recordWriteSchema = Type.Object({
  ...recordWithReviewSchema.properties,
  warnings: Type.Optional(Type.Array(ruleWarningSchema, { description: 'Warning rules of the entity that fired; the write is stored (docs/records.md, Entity rules)' })),
});

/** The list's filter and sort, shared by the list and the export. */
export const listQueryProperties = {
  sort: Type.Optional(Type.String({ maxLength: 200 })),
  filter: Type.Optional(Type.String({ maxLength: 4000 })),
  review: Type.Optional(Type.String({ maxLength: 40 })),
};

export const IF_MATCH_HEADER = 'if-match';

/** The headers of a route that reads If-Match (the plugin declares its 412 from this). */
export const ifMatchHeaders = Type.Object({
  [IF_MATCH_HEADER]: Type.Optional(Type.String({ maxLength: 40, description: 'The record version the change applies to (the ETag of a read); another version answers 412' })),
});

/** The record version of If-Match; only routes that declare `ifMatchHeaders` may read it (their 412 is declared from it). */
export function ifMatch(request: FastifyRequest): number | undefined {
  const declared = (request.routeOptions.schema?.headers as { properties?: object } | undefined)?.properties;
  if (!declared || !Object.hasOwn(declared, IF_MATCH_HEADER)) {
    throw new Error(`${request.method} ${request.routeOptions.url} reads If-Match without declaring it (ifMatchHeaders)`);
  }
  const header = request.headers[IF_MATCH_HEADER];
  if (header === undefined) return undefined;
  const value = Number(String(header).replace(/^W\//, '').replace(/"/g, ''));
  if (!Number.isInteger(value) || value < 1) {
    throw new DomainError('BAD_REQUEST', 'If-Match must be a record version number', [{ path: '/headers/if-match', message: 'not a version' }]);
  }
  return value;
}
