/** The events a webhook can subscribe to (or `*` for all). Add a name here before publishing it. */
export const WEBHOOK_EVENTS = [
  'task.created',
  'task.completed',
  'task.cancelled',
  'process.started',
  'process.completed',
  'record.created',
  'record.updated',
  'process.webhook',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export function isWebhookEvent(name: string): name is WebhookEvent {
  return (WEBHOOK_EVENTS as readonly string[]).includes(name);
}

/** Failure types thrown by the deliverWebhook activity (ApplicationFailure.type). */
export const WebhookFailure = {
  TARGET_FORBIDDEN: 'WEBHOOK_TARGET_FORBIDDEN',
  REDIRECT_REFUSED: 'WEBHOOK_REDIRECT_REFUSED',
  REJECTED: 'WEBHOOK_REJECTED',
  NOT_FOUND: 'WEBHOOK_DELIVERY_NOT_FOUND',
  SERVER_ERROR: 'WEBHOOK_SERVER_ERROR',
  RATE_LIMITED: 'WEBHOOK_RATE_LIMITED',
  NETWORK_ERROR: 'WEBHOOK_NETWORK_ERROR',
} as const;

/**
 * The retry policy a workflow should give deliverWebhook: 1 s, 2 s, 4 s ... capped at 10 min, 12 attempts
 * (about 35 minutes in all). Durations in milliseconds so the object is a valid Temporal RetryPolicy as is.
 */
export const WEBHOOK_RETRY_POLICY: {
  initialInterval: number;
  backoffCoefficient: number;
  maximumInterval: number;
  maximumAttempts: number;
  nonRetryableErrorTypes: string[];
} = {
  initialInterval: 1_000,
  backoffCoefficient: 2,
  maximumInterval: 600_000,
  maximumAttempts: 12,
  nonRetryableErrorTypes: [WebhookFailure.TARGET_FORBIDDEN, WebhookFailure.REDIRECT_REFUSED, WebhookFailure.REJECTED, WebhookFailure.NOT_FOUND],
};
