import { ParentClosePolicy, proxyLocalActivities, startChild } from '@temporalio/workflow';
import type { NotificationActivities, NotifyUsersInput, PublishEventInput } from '../worker/notification-types.js';
import { webhookDeliveryWorkflow } from './deliveries.js';
import { shielded } from './shielded-activities.js';

const notifications = shielded(proxyLocalActivities<NotificationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
}));

/** Records the event for every matching webhook subscription and hands the deliveries to their own workflow. */
export async function publish(event: PublishEventInput): Promise<void> {
  const { deliveryIds } = await notifications.publishEvent(event);
  if (!deliveryIds.length) return;
  await startChild(webhookDeliveryWorkflow, {
    workflowId: `webhooks:${event.idempotencyKey}`,
    args: [{ deliveryIds }],
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
}

/** In-app feed (and e-mail where configured), idempotent per recipient. */
export async function notify(input: NotifyUsersInput): Promise<void> {
  if (input.to.length) await notifications.notifyUsers(input);
}
