import { log, proxyActivities, proxyLocalActivities, type RetryPolicy } from '@temporalio/workflow';
import type { NotificationActivities } from '../worker/notification-types.js';
import { WEBHOOK_RETRY_POLICY } from '../engine/domain/net/webhooks.js';

const { giveUpWebhook } = proxyLocalActivities<NotificationActivities>({ startToCloseTimeout: '30 seconds' });

/** Delivers webhooks apart from the business process: a failing endpoint never fails an approval. */
export async function webhookDeliveryWorkflow(input: { deliveryIds: string[]; retry?: RetryPolicy }): Promise<{ delivered: number; failed: number }> {
  const { deliverWebhook } = proxyActivities<NotificationActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { ...WEBHOOK_RETRY_POLICY, ...input.retry },
  });
  let delivered = 0;
  let failed = 0;
  await Promise.all(input.deliveryIds.map(async (deliveryId) => {
    try {
      await deliverWebhook({ deliveryId });
      delivered++;
    } catch (error) {
      failed++;
      log.warn('webhook delivery gave up', { deliveryId, error: String(error) });
      await giveUpWebhook({ deliveryId, error: String(error) });
    }
  }));
  return { delivered, failed };
}
