import type { FastifyInstance } from 'fastify';
import { NotificationRepository } from '../../db/notifications.js';
import { errors, idParam } from './schemas.js';

export const notificationSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    kind: { type: 'string' },
    title: { type: 'string' },
    body: { type: 'string' },
    link: {
      type: ['object', 'null'],
      properties: { entity: { type: 'string' }, recordId: { type: 'string' }, taskId: { type: 'string' }, processId: { type: 'string' }, href: { type: 'string' } },
    },
    createdAt: { type: 'string' },
    readAt: { type: ['string', 'null'] },
  },
} as const;

/** The caller's own in-app notifications, newest first. */
export default async function notificationRoutes(app: FastifyInstance) {
  const tags = ['notifications'];
  const repo = () => new NotificationRepository(app.deps.orm.em.fork());

  app.get<{ Querystring: { unread?: boolean; limit?: number } }>('/api/notifications', {
    schema: {
      tags,
      querystring: { type: 'object', additionalProperties: false, properties: { unread: { type: 'boolean', default: false }, limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } } },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: notificationSchema }, unread: { type: 'integer' } } }, ...errors(422) },
    },
  }, async (request) => repo().list(request.user.username, { unreadOnly: request.query.unread === true, limit: request.query.limit }));

  app.post('/api/notifications/read-all', {
    schema: { tags, response: { 200: { type: 'object', properties: { updated: { type: 'integer' }, unread: { type: 'integer' } } } } },
  }, async (request) => ({ updated: await repo().markAllRead(request.user.username), unread: 0 }));

  app.post<{ Params: { id: string } }>('/api/notifications/:id/read', {
    schema: { tags, params: idParam, response: { 200: notificationSchema, ...errors(404) } },
  }, async (request) => repo().markRead(request.user.username, request.params.id));
}
