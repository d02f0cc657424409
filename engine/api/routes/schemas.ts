/** JSON Schemas shared by routes; they feed validation and the OpenAPI document. */
export const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' }, code: { type: 'string' } } } },
      },
    },
  },
} as const;

export const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, errorSchema]));

export const recordSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    entity: { type: 'string' },
    data: { type: 'object', additionalProperties: true },
    version: { type: 'integer' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    createdBy: { type: 'string' },
    updatedBy: { type: 'string' },
  },
} as const;

export const taskSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['task', 'approval'] },
    title: { type: 'string' },
    processId: { type: 'string' },
    process: { type: 'string' },
    entity: { type: 'string' },
    recordId: { type: 'string' },
    step: { type: 'string' },
    requester: { type: 'string' },
    assignee: { type: ['string', 'null'] },
    candidates: { type: 'array', items: { type: 'string' } },
    status: { type: 'string', enum: ['open', 'claimed', 'completed', 'cancelled'] },
    outcome: { type: ['string', 'null'] },
    decidedBy: { type: ['string', 'null'] },
    comment: { type: ['string', 'null'] },
    routing: { type: 'array', items: { type: 'object', additionalProperties: true } },
    dueAt: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    completedAt: { type: ['string', 'null'] },
  },
} as const;

export const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 300 } } } as const;
