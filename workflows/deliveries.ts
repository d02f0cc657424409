import { log, proxyActivities } from '@temporalio/workflow';
import type { NotificationActivities } from '../worker/notification-types.js';
import { WEBHOOK_RETRY_POLICY } from '../engine/domain/net/webhooks.js';

const { deliverWebhook } = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: WEBHOOK_RETRY_POLICY,
});

/** Delivers webhooks apart from the business process: a failing endpoint never fails an approval. */
export async function webhookDeliveryWorkflow(input: { deliveryIds: string[] }): Promise<{ delivered: number; failed: number }> {
  let delivered = 0;
  let failed = 0;
  await Promise.all(input.deliveryIds.map(async (deliveryId) => {
    try {
      await deliverWebhook({ deliveryId });
      delivered++;
    } catch (error) {
      failed++;
      log.warn('webhook delivery gave up', { deliveryId, error: String(error) });
    }
  }));
  return { delivered, failed };
}
