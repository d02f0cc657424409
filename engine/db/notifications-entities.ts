import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A link from a notification to what it is about; the UI turns it into a route. */
export interface NotificationLink {
  entity?: string;
  recordId?: string;
  taskId?: string;
  processId?: string;
  href?: string;
}

export const NotificationEntity = defineEntity({
  name: 'Notification',
  tableName: 'notifications',
  properties: {
    id: p.uuid().primary(),
    recipient: p.string(),
    kind: p.string(),
    title: p.string(),
    body: p.text(),
    link: p.json<NotificationLink>().nullable(),
    idempotencyKey: p.string(),
    createdAt: p.datetime(),
    readAt: p.datetime().nullable(),
    emailTo: p.string().nullable(),
    emailSentAt: p.datetime().nullable(),
    emailError: p.text().nullable(),
  },
});
export type Notification = InferEntity<typeof NotificationEntity>;

export const WebhookSubscriptionEntity = defineEntity({
  name: 'WebhookSubscription',
  tableName: 'webhook_subscriptions',
  properties: {
    id: p.uuid().primary(),
    url: p.text(),
    events: p.json<string[]>(),
    secret: p.string().hidden(),
    description: p.text().nullable(),
    /** The role whose field access applies to this subscription's payloads; null: every field some role hides is dropped. */
    asRole: p.text().nullable(),
    active: p.boolean(),
    createdBy: p.string(),
    createdAt: p.datetime(),
    deletedAt: p.datetime().nullable(),
  },
});
export type WebhookSubscription = InferEntity<typeof WebhookSubscriptionEntity>;

export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed' | 'cancelled';

export const WebhookDeliveryEntity = defineEntity({
  name: 'WebhookDelivery',
  tableName: 'webhook_deliveries',
  properties: {
    id: p.uuid().primary(),
    subscriptionId: p.uuid(),
    event: p.string(),
    idempotencyKey: p.string(),
    payload: p.json<Record<string, unknown>>(),
    status: p.string(),
    attempts: p.integer(),
    lastStatusCode: p.integer().nullable(),
    lastError: p.text().nullable(),
    createdAt: p.datetime(),
    deliveredAt: p.datetime().nullable(),
  },
});
export type WebhookDelivery = InferEntity<typeof WebhookDeliveryEntity>;

export const notificationEntities = [NotificationEntity, WebhookSubscriptionEntity, WebhookDeliveryEntity];
