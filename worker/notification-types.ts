import type { NotificationLink } from '../engine/db/notifications-entities.js';
import type { WebhookEvent } from '../engine/domain/net/webhooks.js';
import type { TaskProjection } from '../engine/db/tasks.js';

export type { NotificationLink };
export { WEBHOOK_EVENTS, WEBHOOK_RETRY_POLICY, WebhookFailure, type WebhookEvent } from '../engine/domain/net/webhooks.js';

export interface TaskEventPayload {
  taskId: string;
  kind: 'approval' | 'task';
  title: string;
  processId: string;
  process: string;
  entity: string;
  recordId: string;
  step: string;
  assignee: string | null;
  candidates: string[];
  /** task.completed / task.cancelled only. */
  outcome?: string | null;
  decidedBy?: string | null;
  at: string;
}

export interface ProcessEventPayload {
  processId: string;
  process: string;
  entity: string;
  recordId: string;
  requester: string;
  /** process.completed only: the final outcome (e.g. approved, rejected, completed). */
  outcome?: string;
  at: string;
}

export interface RecordEventPayload {
  entity: string;
  recordId: string;
  version: number;
  actor: string;
  /** record.updated only: the changed fields. */
  changes?: Record<string, { before: unknown; after: unknown }>;
  at: string;
}

export interface WebhookPayloads {
  'task.created': TaskEventPayload;
  'task.completed': TaskEventPayload;
  'task.cancelled': TaskEventPayload;
  'process.started': ProcessEventPayload;
  'process.completed': ProcessEventPayload;
  'record.created': RecordEventPayload;
  'record.updated': RecordEventPayload;
  'process.webhook': ProcessWebhookPayload;
}

/** A process's `webhook` action: the configured event name and the payload it computed. */
export interface ProcessWebhookPayload {
  name: string;
  processId: string;
  process: string;
  entity: string;
  recordId: string;
  data: Record<string, unknown>;
  at: string;
}

/** An event to publish; the idempotency key must be deterministic (e.g. derived from the workflow id and step). */
export type PublishEventInput = {
  [E in WebhookEvent]: { event: E; payload: WebhookPayloads[E]; idempotencyKey: string };
}[WebhookEvent];

export interface NotifyUsersInput {
  /** Usernames; unknown ones are skipped and reported. */
  to: string[];
  kind: string;
  title: string;
  body: string;
  link?: NotificationLink;
  /** Per call; each recipient's row is keyed `${idempotencyKey}:${username}`. */
  idempotencyKey: string;
}

export interface NotifyUsersResult {
  notificationIds: string[];
  /** Recipients e-mailed by this call (a retry after a successful send e-mails nobody again). */
  emailed: string[];
  unknown: string[];
}

export interface DeliverWebhookResult {
  /** The HTTP status the receiver answered (2xx), or 0 when the delivery was cancelled. */
  status: number;
  skipped?: 'subscription-inactive';
}

/** A task's inbox row with its announcement: the feed notice of its holders and its webhook event, if any. */
export interface OpenAnnouncedTaskInput {
  task: TaskProjection;
  notify?: NotifyUsersInput;
  publish?: PublishEventInput;
}

/** Notification side effects; each is idempotent by its key. */
export interface NotificationActivities {
  /** The task row, its notices and its event's deliveries in one transaction; the caller hands the deliveries on. */
  openAnnouncedTask(input: OpenAnnouncedTaskInput): Promise<{ deliveryIds: string[] }>;
  notifyUsers(input: NotifyUsersInput): Promise<NotifyUsersResult>;
  publishEvent(input: PublishEventInput): Promise<{ deliveryIds: string[] }>;
  deliverWebhook(input: { deliveryId: string }): Promise<DeliverWebhookResult>;
  /** Marks a delivery failed once its retries are exhausted. */
  giveUpWebhook(input: { deliveryId: string; error: string }): Promise<void>;
}
