import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { WebhookRepository } from '../../db/notifications-webhooks.js';
import { DomainError } from '../../domain/errors.js';
import { WEBHOOK_EVENTS, parseAllowlist, type Allowlist } from '../../domain/net/index.js';
import { resolveWebhookTarget, WebhookTargetError } from '../../net/webhook-target.js';
import { errors, idParam, itemsOf, noContent, Nullable, StringEnum } from './schemas.js';

const subscriptionSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  url: Type.String(),
  events: Type.Array(Type.String()),
  description: Nullable(Type.String()),
  active: Type.Boolean(),
  createdBy: Type.String(),
  createdAt: Type.String(),
});

const createBody = Type.Object({
  url: Type.String({ minLength: 1, maxLength: 2048 }),
  events: Type.Array(StringEnum([...WEBHOOK_EVENTS, '*']), { minItems: 1, maxItems: 50 }),
  description: Type.Optional(Type.String({ maxLength: 500 })),
}, { additionalProperties: false });

/** The creation answer: the subscription and, this once, its signing secret. */
const createdSchema = Type.Object({ ...subscriptionSchema.properties, secret: Type.String() });

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
export default async function webhookRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['webhooks'];
  const allowlist = parseAllowlist(process.env.FLOWCRM_WEBHOOK_ALLOWLIST);
  const repo = () => new WebhookRepository(app.deps.orm.em.fork());

  app.post('/api/webhooks', {
    schema: { tags, body: createBody, response: { 201: createdSchema, ...errors(422) } },
  }, async (request, reply) => {
    const { url, events, description } = request.body;
    await checkTarget(url, allowlist);
    const created = await repo().create({ url, events, description, actor: request.user.username });
    return reply.status(201).send(created);
  });

  app.get('/api/webhooks', {
    schema: { tags, response: { 200: itemsOf(subscriptionSchema) } },
  }, async () => {
    return { items: await repo().list() };
  });

  app.delete('/api/webhooks/:id', {
    schema: { tags, params: idParam, response: { 204: noContent, ...errors(404) } },
  }, async (request, reply) => {
    await repo().remove(request.params.id, request.user.username);
    return reply.status(204).send(null);
  });
}
