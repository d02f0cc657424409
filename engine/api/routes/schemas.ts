import Type, { type Static, type TSchema } from 'typebox';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../domain/access/password-policy.js';

/**
 * Shapes shared by routes, defined once with TypeBox: each is the JSON Schema that validates (requests) or
 * serializes (responses), the OpenAPI document's schema, and through `Static` the TypeScript type of handlers.
 */

/** `T | null`, written as JSON Schema's `type: [T, 'null']` as the hand-written schemas before did. */
export function Nullable<T extends TSchema & { type: string }>(schema: T) {
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] });
}

/** A string of one of `values` (`{type: 'string', enum}`), typed as their union. */
export const StringEnum = <const V extends readonly string[]>(values: V, options: Record<string, unknown> = {}) =>
  Type.Unsafe<V[number]>({ type: 'string', enum: values, ...options });

/** The same in a response whose DTO carries a plain `string`: documented as the enum, typed as `string`. */
export const DocumentedEnum = (values: readonly string[]) => Type.Unsafe<string>({ type: 'string', enum: values });

/** Any JSON object (configuration bundles, record data, form data). */
export const AnyObject = (options: Record<string, unknown> = {}) =>
  Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, ...options });

/** A JSON object in a response whose DTO types it loosely (`unknown`): documented as an object, typed `unknown`. */
export const OpaqueObject = (options: Record<string, unknown> = {}) => Type.Unsafe<unknown>({ type: 'object', additionalProperties: true, ...options });

export const ErrorDetailSchema = Type.Object({ path: Type.String(), message: Type.String(), code: Type.Optional(Type.String()) });

/** The contract's error envelope `{error: {code, message, details}}`. */
export const errorSchema = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Array(ErrorDetailSchema) }),
});

export const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, errorSchema]));

export const recordSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  entity: Type.String(),
  data: AnyObject(),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  createdBy: Type.String(),
  updatedBy: Type.String(),
});
export type RecordBody = Static<typeof recordSchema>;

const nullableString = Nullable(Type.String());

/** An audit entry of a record's history: who, when, what changed. */
export const historyEntrySchema = Type.Object({
  at: Type.String({ format: 'date-time' }), actor: Type.String(), action: Type.String(), changes: AnyObject(),
  comment: Type.Optional(Type.String()), context: Type.Optional(AnyObject()),
}, { additionalProperties: true });

/** The contract's inbox item / task. */
export const taskSchema = Type.Object({
  id: Type.String(),
  kind: DocumentedEnum(['task', 'approval']),
  title: Type.String(),
  processId: Type.String(),
  process: Type.String(),
  entity: Type.String(),
  recordId: Type.String(),
  step: Type.Optional(Type.String()),
  requester: Type.Optional(Type.String()),
  assignee: nullableString,
  candidates: Type.Array(Type.String()),
  status: DocumentedEnum(['open', 'claimed', 'completed', 'cancelled']),
  outcome: Type.Optional(nullableString),
  decidedBy: Type.Optional(nullableString),
  comment: Type.Optional(nullableString),
  routing: Type.Optional(Type.Array(OpaqueObject())),
  dueAt: nullableString,
  createdAt: Type.String(),
  completedAt: Type.Optional(nullableString),
});

/** A process run as lists show it. */
export const processSummarySchema = Type.Object({
  id: Type.String(), process: Type.String(), entity: Type.String(), recordId: Type.String(),
  status: DocumentedEnum(['running', 'completed', 'failed', 'cancelled']),
  outcome: nullableString, configVersion: Type.Integer(), startedBy: Type.String(), startedAt: Type.String(), endedAt: nullableString,
});

/** `{id, status}`: the answer of a process start or cancel. */
export const processStatusSchema = Type.Object({ id: Type.String(), status: Type.String() });

/** A page of a list: `{items, nextCursor}` (null on the last page). */
export const page = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), nextCursor: nullableString });

/** `{items}`: a list that is never paged. */
export const itemsOf = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item) });

/** 204: an answer without a body (a delete). */
export const noContent = Type.Null({ description: 'No content' });

export const idParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 300 }) });

/** A new password: its policy is checked by the server (422 `WEAK_PASSWORD`, one detail per rule), not by the schema. */
export const newPasswordSchema = Type.String({
  minLength: 1, maxLength: MAX_PASSWORD_LENGTH,
  description: `At least ${MIN_PASSWORD_LENGTH} characters, not the username, not the current password`,
});
