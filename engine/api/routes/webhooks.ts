import type { FastifyInstance } from 'fastify';
import { WebhookRepository } from '../../db/notifications-webhooks.js';
import { DomainError } from '../../domain/errors.js';
import { WEBHOOK_EVENTS, parseAllowlist, type Allowlist } from '../../domain/net/index.js';
import { resolveWebhookTarget, WebhookTargetError } from '../../net/webhook-target.js';
import { requireRole } from '../plugins/auth.js';
import { errors, idParam, noContent } from './schemas.js';

const subscriptionSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    url: { type: 'string' },
    events: { type: 'array', items: { type: 'string' } },
    description: { type: ['string', 'null'] },
    active: { type: 'boolean' },
    createdBy: { type: 'string' },
    createdAt: { type: 'string' },
  },
} as const;

const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['url', 'events'],
  properties: {
    url: { type: 'string', minLength: 1, maxLength: 2048 },
    events: { type: 'array', minItems: 1, maxItems: 50, items: { type: 'string', enum: [...WEBHOOK_EVENTS, '*'] } },
    description: { type: 'string', maxLength: 500 },
  },
} as const;

/** Rejects URLs the worker would refuse anyway; delivery time checks again, since DNS answers can change. */
async function checkTarget(url: string, allowlist: Allowlist): Promise<void> {
  try {
    await resolveWebhookTarget(url, allowlist);
  } catch (error) {
    if (!(error instanceof WebhookTargetError)) throw error;
    // A name that does not resolve yet may well resolve later; the delivery applies the rules then.
    if (error.code === 'UNRESOLVABLE') return;
    throw new DomainError(error.code, error.message, [{ path: '/url', message: error.message, code: error.code }]);
  }
}

/** Outbound webhook subscriptions; admin only. The signing secret is shown once, in the creation answer. */
export default async function webhookRoutes(app: FastifyInstance) {
  const tags = ['webhooks'];
  const allowlist = parseAllowlist(process.env.FLOWCRM_WEBHOOK_ALLOWLIST);
  const repo = () => new WebhookRepository(app.deps.orm.em.fork());

  app.post<{ Body: { url: string; events: string[]; description?: string } }>('/api/webhooks', {
    schema: {
      tags, body: createBody,
      response: { 201: { type: 'object', properties: { ...subscriptionSchema.properties, secret: { type: 'string' } } }, ...errors(403, 422) },
    },
  }, async (request, reply) => {
    requireRole(request, 'admin');
    const { url, events, description } = request.body;
    await checkTarget(url, allowlist);
    const created = await repo().create({ url, events, description, actor: request.user.username });
    return reply.status(201).send(created);
  });

  app.get('/api/webhooks', {
    schema: { tags, response: { 200: { type: 'object', properties: { items: { type: 'array', items: subscriptionSchema } } }, ...errors(403) } },
  }, async (request) => {
    requireRole(request, 'admin');
    return { items: await repo().list() };
  });

  app.delete<{ Params: { id: string } }>('/api/webhooks/:id', {
    schema: { tags, params: idParam, response: { 204: noContent, ...errors(403, 404) } },
  }, async (request, reply) => {
    requireRole(request, 'admin');
    await repo().remove(request.params.id, request.user.username);
    return reply.status(204).send();
  });
}
