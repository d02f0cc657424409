import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { NotificationRepository } from '../../db/notifications.js';
import { errors, idParam, Nullable } from './schemas.js';

const optionalString = Type.Optional(Type.String());

export const notificationSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: Type.String(),
  title: Type.String(),
  body: Type.String(),
  link: Nullable(Type.Object({ entity: optionalString, recordId: optionalString, taskId: optionalString, processId: optionalString, href: optionalString })),
  createdAt: Type.String(),
  readAt: Nullable(Type.String()),
});

const listQuery = Type.Object({
  unread: Type.Optional(Type.Boolean({ default: false })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
}, { additionalProperties: false });

/** The caller's own in-app notifications, newest first. */
export default async function notificationRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['notifications'];
  const repo = () => new NotificationRepository(app.deps.orm.em.fork());

  app.get('/api/notifications', {
    schema: {
      tags, querystring: listQuery,
      response: { 200: Type.Object({ items: Type.Array(notificationSchema), unread: Type.Integer() }), ...errors(422) },
    },
  }, async (request) => repo().list(request.user.username, { unreadOnly: request.query.unread === true, limit: request.query.limit }));

  app.post('/api/notifications/read-all', {
    schema: { tags, response: { 200: Type.Object({ updated: Type.Integer(), unread: Type.Integer() }) } },
  }, async (request) => ({ updated: await repo().markAllRead(request.user.username), unread: 0 }));

  app.post('/api/notifications/:id/read', {
    schema: { tags, params: idParam, response: { 200: notificationSchema, ...errors(404) } },
  }, async (request) => repo().markRead(request.user.username, request.params.id));
}
