import { ParentClosePolicy, patched, proxyLocalActivities, startChild } from '@temporalio/workflow';
import type { NotificationActivities, NotifyUsersInput, OpenAnnouncedTaskInput, PublishEventInput } from '../worker/notification-types.js';
import { webhookDeliveryWorkflow } from './deliveries.js';
import { shielded } from './shielded-activities.js';

const notifications = shielded(proxyLocalActivities<NotificationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
}));

/** Records the event for every matching webhook subscription and hands the deliveries to their own workflow. */
export async function publish(event: PublishEventInput): Promise<void> {
  const { deliveryIds } = await notifications.publishEvent(event);
  await deliver(event.idempotencyKey, deliveryIds);
}

async function deliver(idempotencyKey: string, deliveryIds: string[]): Promise<void> {
  if (!deliveryIds.length) return;
  await startChild(webhookDeliveryWorkflow, {
    workflowId: `webhooks:${idempotencyKey}`,
    args: [{ deliveryIds }],
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
}

/**
 * Whether a task's row, its notice and its event are written by one local activity (`openAnnounced`) instead of
 * one each: the same rows, one transaction, and a few milliseconds less per task (docs/performance.md). Behind a
 * patch so that runs recorded before it replay as they ran.
 */
export function opensTaskInOneActivity(): boolean {
  return patched('task-opens-in-one-activity');
}

/** Opens a task with its announcement in one transaction and hands the event's deliveries on, as `publish` does. */
export async function openAnnounced({ task, notify, publish }: OpenAnnouncedTaskInput): Promise<void> {
  const { deliveryIds } = await notifications.openAnnouncedTask({ task, ...(notify?.to.length ? { notify } : {}), ...(publish ? { publish } : {}) });
  if (publish) await deliver(publish.idempotencyKey, deliveryIds);
}

/** In-app feed (and e-mail where configured), idempotent per recipient. */
export async function notify(input: NotifyUsersInput): Promise<void> {
  if (input.to.length) await notifications.notifyUsers(input);
}
