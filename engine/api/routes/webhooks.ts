import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { EntityManager } from '@mikro-orm/postgresql';
import { WebhookRepository } from '../../db/notifications-webhooks.js';
import { currentConfig } from '../../db/record-write.js';
import type { Bundle } from '../../domain/config/types.js';
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
  asRole: Type.Optional(Type.String()),
  createdBy: Type.String(),
  createdAt: Type.String(),
});

const createBody = Type.Object({
  url: Type.String({ minLength: 1, maxLength: 2048 }),
  events: Type.Array(StringEnum([...WEBHOOK_EVENTS, '*']), { minItems: 1, maxItems: 50 }),
  description: Type.Optional(Type.String({ maxLength: 500 })),
  /** The role whose field access the deliveries get, like an integration user's; without it, every field some role hides is left out. */
  asRole: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
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

async function checkRole(asRole: string | undefined, em: EntityManager): Promise<void> {
  if (asRole === undefined || asRole === 'admin') return;
  const { roles } = (await currentConfig(em, 0)).bundle as unknown as Pick<Bundle, 'roles'>;
  if (roles && Object.hasOwn(roles, asRole)) return;
  const message = `no role ${asRole} is configured`;
  throw new DomainError('VALIDATION_FAILED', message, [{ path: '/asRole', message, code: 'UNKNOWN_ROLE' }]);
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
    const { url, events, description, asRole } = request.body;
    await checkTarget(url, allowlist);
    await checkRole(asRole, app.deps.orm.em.fork());
    const created = await repo().create({ url, events, description, asRole, actor: request.user.username });
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
