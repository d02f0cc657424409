import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { WebhookSubscriptionEntity, WebhookDeliveryEntity, type WebhookSubscription, type WebhookDelivery, type DeliveryStatus } from './notifications-entities.js';
import { addAudit } from './records.js';
import { DomainError } from '../domain/errors.js';

export interface WebhookSubscriptionDto {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  active: boolean;
  /** Present only when set: the role whose field access the payloads get. */
  asRole?: string;
  createdBy: string;
  createdAt: string;
}

export function toSubscriptionDto(s: WebhookSubscription): WebhookSubscriptionDto {
  return {
    id: s.id, url: s.url, events: s.events, description: s.description ?? null, active: s.active,
    ...(s.asRole ? { asRole: s.asRole } : {}), createdBy: s.createdBy, createdAt: s.createdAt.toISOString(),
  };
}

export interface AttemptRecord {
  status: DeliveryStatus;
  statusCode: number | null;
  error: string | null;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const auditEntity = 'webhook_subscription';

/** An event and its payload as the subscriptions of one `asRole` (null: none) may get it. */
export interface EventToPublish {
  event: string;
  idempotencyKey: string;
  payloadFor: (asRole: string | null) => Promise<Record<string, unknown>>;
}

const matchingSubscriptions = `select id, as_role from webhook_subscriptions
  where active and deleted_at is null and (events @> ?::jsonb or events @> '["*"]'::jsonb)`;

/** Webhook subscriptions (admin configuration, audited) and their deliveries (one row per event and subscription). */
export class WebhookRepository {
  constructor(private readonly em: EntityManager) {}

  /** Creates a subscription with a fresh signing secret, which is returned here and never again. */
  async create(input: { url: string; events: string[]; description?: string | null; asRole?: string | null; actor: string }): Promise<WebhookSubscriptionDto & { secret: string }> {
    return this.em.transactional(async (tx) => {
      const secret = `whsec_${randomBytes(32).toString('hex')}`;
      const subscription = tx.create(WebhookSubscriptionEntity, {
        id: randomUUID(), url: input.url, events: [...new Set(input.events)], secret, description: input.description ?? null,
        asRole: input.asRole ?? null, active: true, createdBy: input.actor, createdAt: new Date(), deletedAt: null,
      });
      addAudit(tx, {
        entity: auditEntity, recordId: subscription.id, action: 'create', actor: input.actor,
        changes: {
          url: { before: null, after: input.url }, events: { before: null, after: subscription.events },
          ...(input.asRole ? { asRole: { before: null, after: input.asRole } } : {}),
        },
      });
      await tx.flush();
      return { ...toSubscriptionDto(subscription), secret };
    });
  }

  async list(): Promise<WebhookSubscriptionDto[]> {
    const rows = await this.em.find(WebhookSubscriptionEntity, { deletedAt: null }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    return rows.map(toSubscriptionDto);
  }

  /** Deactivates and hides a subscription; its delivery history stays. */
  async remove(id: string, actor: string): Promise<void> {
    await this.em.transactional(async (tx) => {
      const subscription = uuidPattern.test(id) ? await tx.findOne(WebhookSubscriptionEntity, { id, deletedAt: null }) : null;
      if (!subscription) throw new DomainError('NOT_FOUND', `webhook subscription ${id} does not exist`);
      subscription.active = false;
      subscription.deletedAt = new Date();
      addAudit(tx, { entity: auditEntity, recordId: id, action: 'delete', actor, changes: { active: { before: true, after: false } } });
      await tx.flush();
    });
  }

  /**
   * One pending delivery per matching active subscription, with the payload of its `asRole` (computed once per role);
   * repeating the call with the same key adds nothing. Returns the event's deliveries, new and earlier ones, oldest
   * first. No transaction of their own: the last statement sees what a concurrent call with the same key committed
   * (its insert waited for it). Inside the manager's transaction, if any, the deliveries commit with the caller's other
   * writes. A subscription created between the role look-up and the insert gets this event only from a repeated call with the key.
   */
  async publish(input: EventToPublish): Promise<string[]> {
    const connection = this.em.getConnection();
    const ctx = this.em.getTransactionContext();
    const eventList = JSON.stringify([input.event]);
    const roles = await connection.execute<{ as_role: string | null }[]>(
      `select distinct s.as_role from (${matchingSubscriptions}) s`, [eventList], 'all', ctx);
    if (roles.length) {
      const payloads: { role: string | null; payload: Record<string, unknown> }[] = [];
      for (const { as_role: role } of roles) payloads.push({ role, payload: await input.payloadFor(role) });
      await connection.execute(
        `insert into webhook_deliveries (id, subscription_id, event, idempotency_key, payload, status, attempts, created_at)
         select gen_random_uuid(), s.id, ?, ?, p.payload, 'pending', 0, now() from (${matchingSubscriptions}) s
         join jsonb_to_recordset(?::jsonb) as p(role text, payload jsonb) on p.role is not distinct from s.as_role
         on conflict (subscription_id, idempotency_key) do nothing`,
        [input.event, input.idempotencyKey, eventList, JSON.stringify(payloads)], 'run', ctx,
      );
    }
    const rows = await connection.execute<{ id: string }[]>(
      `select d.id from webhook_deliveries d where d.idempotency_key = ? and d.event = ? and d.subscription_id in (select id from (${matchingSubscriptions}) s)
       order by d.created_at, d.id`,
      [input.idempotencyKey, input.event, eventList], 'all', ctx,
    );
    return rows.map((r) => r.id);
  }

  async loadDelivery(id: string): Promise<{ delivery: WebhookDelivery; subscription: WebhookSubscription } | null> {
    if (!uuidPattern.test(id)) return null;
    const delivery = await this.em.findOne(WebhookDeliveryEntity, { id });
    if (!delivery) return null;
    const subscription = await this.em.findOneOrFail(WebhookSubscriptionEntity, { id: delivery.subscriptionId });
    return { delivery, subscription };
  }

  /** Counts one attempt; a delivered row is never downgraded by a late, concurrent attempt. */
  async recordAttempt(id: string, attempt: AttemptRecord): Promise<void> {
    await this.em.getConnection().execute(
      `update webhook_deliveries set attempts = attempts + 1, status = ?, last_status_code = ?, last_error = ?,
         delivered_at = case when ? = 'delivered' then now() else delivered_at end
       where id = ? and status <> 'delivered'`,
      [attempt.status, attempt.statusCode, attempt.error?.slice(0, 2000) ?? null, attempt.status, id], 'run',
    );
  }

  /** After the last retry: the delivery is failed for good (a delivered or cancelled one stays as it is). */
  async giveUp(id: string, error: string): Promise<void> {
    await this.em.getConnection().execute(
      `update webhook_deliveries set status = 'failed', last_error = ? where id = ? and status not in ('delivered', 'cancelled')`,
      [`gave up after the last retry: ${error}`.slice(0, 2000), id], 'run');
  }

  async cancel(id: string, reason: string): Promise<void> {
    await this.em.getConnection().execute(
      `update webhook_deliveries set status = 'cancelled', last_error = ? where id = ? and status <> 'delivered'`, [reason, id], 'run');
  }
}
