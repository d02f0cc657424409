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
  createdBy: string;
  createdAt: string;
}

export function toSubscriptionDto(s: WebhookSubscription): WebhookSubscriptionDto {
  return {
    id: s.id, url: s.url, events: s.events, description: s.description ?? null, active: s.active,
    createdBy: s.createdBy, createdAt: s.createdAt.toISOString(),
  };
}

export interface AttemptRecord {
  status: DeliveryStatus;
  statusCode: number | null;
  error: string | null;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const auditEntity = 'webhook_subscription';

/** Webhook subscriptions (admin configuration, audited) and their deliveries (one row per event and subscription). */
export interface EventToPublish { event: string; payload: Record<string, unknown>; idempotencyKey: string }

export class WebhookRepository {
  constructor(private readonly em: EntityManager) {}

  /** Creates a subscription with a fresh signing secret, which is returned here and never again. */
  async create(input: { url: string; events: string[]; description?: string | null; actor: string }): Promise<WebhookSubscriptionDto & { secret: string }> {
    return this.em.transactional(async (tx) => {
      const secret = `whsec_${randomBytes(32).toString('hex')}`;
      const subscription = tx.create(WebhookSubscriptionEntity, {
        id: randomUUID(), url: input.url, events: [...new Set(input.events)], secret, description: input.description ?? null,
        active: true, createdBy: input.actor, createdAt: new Date(), deletedAt: null,
      });
      addAudit(tx, {
        entity: auditEntity, recordId: subscription.id, action: 'create', actor: input.actor,
        changes: { url: { before: null, after: input.url }, events: { before: null, after: subscription.events } },
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
   * One pending delivery per matching active subscription; repeating the call with the same key adds nothing.
   * Returns the event's deliveries, new and earlier ones, oldest first. Two statements and no transaction of their
   * own: the second sees what a concurrent call with the same key committed (its insert waited for it). Inside the
   * manager's transaction, if any, the deliveries commit with the caller's other writes.
   */
  async publish(input: EventToPublish): Promise<string[]> {
    const connection = this.em.getConnection();
    const ctx = this.em.getTransactionContext();
    const matching = `select id from webhook_subscriptions
      where active and deleted_at is null and (events @> ?::jsonb or events @> '["*"]'::jsonb)`;
    await connection.execute(
      `insert into webhook_deliveries (id, subscription_id, event, idempotency_key, payload, status, attempts, created_at)
       select gen_random_uuid(), s.id, ?, ?, ?::jsonb, 'pending', 0, now() from (${matching}) s
       on conflict (subscription_id, idempotency_key) do nothing`,
      [input.event, input.idempotencyKey, JSON.stringify(input.payload), JSON.stringify([input.event])], 'run', ctx,
    );
    const rows = await connection.execute<{ id: string }[]>(
      `select d.id from webhook_deliveries d where d.idempotency_key = ? and d.event = ? and d.subscription_id in (${matching})
       order by d.created_at, d.id`,
      [input.idempotencyKey, input.event, JSON.stringify([input.event])], 'all', ctx,
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
