import { ApplicationFailure } from '@temporalio/activity';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { WebhookRepository } from '../../engine/db/notifications-webhooks.js';
import { redactForReceivers } from '../../engine/db/record-secrets.js';
import { currentConfig } from '../../engine/db/record-write.js';
import { READ_STALENESS_MS } from '../../engine/db/config-store.js';
import type { Bundle } from '../../engine/domain/config/types.js';
import { WebhookFailure, type Allowlist } from '../../engine/domain/net/index.js';
import { resolveWebhookTarget, WebhookTargetError, type LookupAll, type ResolvedTarget } from '../../engine/net/webhook-target.js';
import { postPinned, type PinnedResponse } from './pinned-post.js';
import { signatureHeader } from './signature.js';
import type { DeliverWebhookResult, PublishEventInput } from '../notification-types.js';

export interface WebhookActivityDeps {
  orm: MikroORM;
  allowlist: Allowlist;
  timeoutMs: number;
  lookup?: LookupAll;
}

const userAgent = 'flowcrm-webhooks/1';

function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = /^[0-9]{1,6}$/.test(value.trim()) ? Number(value) : (Date.parse(value) - Date.now()) / 1000;
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 3600) * 1000 : undefined;
}

/**
 * Records an event's deliveries with `em` (inside its transaction, if any), each without the fields its
 * subscription's `asRole` may not read (no role: every field some role hides).
 */
export async function publishWithoutHidden(em: EntityManager, input: PublishEventInput): Promise<string[]> {
  const bundle = (await currentConfig(em, READ_STALENESS_MS)).bundle as unknown as Pick<Bundle, 'roles'>;
  const payload = input.payload as unknown as Record<string, unknown>;
  return new WebhookRepository(em).publish({
    event: input.event, idempotencyKey: input.idempotencyKey, payloadFor: (asRole) => redactForReceivers(em, bundle, payload, asRole),
  });
}

export function createWebhookActivities(deps: WebhookActivityDeps) {
  const repo = () => new WebhookRepository(deps.orm.em.fork());

  async function fail(id: string, type: string, message: string, statusCode: number | null, retryable: boolean, nextRetryDelay?: number): Promise<never> {
    await repo().recordAttempt(id, { status: retryable ? 'retrying' : 'failed', statusCode, error: `${type}: ${message}` });
    throw ApplicationFailure.create({ type, message, nonRetryable: !retryable, ...(nextRetryDelay ? { nextRetryDelay } : {}) });
  }

  return {
    async publishEvent(input: PublishEventInput): Promise<{ deliveryIds: string[] }> {
      return { deliveryIds: await publishWithoutHidden(deps.orm.em.fork(), input) };
    },

    async giveUpWebhook({ deliveryId, error }: { deliveryId: string; error: string }): Promise<void> {
      await repo().giveUp(deliveryId, error);
    },

    async deliverWebhook({ deliveryId }: { deliveryId: string }): Promise<DeliverWebhookResult> {
      const loaded = await repo().loadDelivery(deliveryId);
      if (!loaded) throw ApplicationFailure.nonRetryable(`webhook delivery ${deliveryId} does not exist`, WebhookFailure.NOT_FOUND);
      const { delivery, subscription } = loaded;
      if (delivery.status === 'delivered') return { status: delivery.lastStatusCode ?? 200 };
      if (delivery.status === 'cancelled' || !subscription.active || subscription.deletedAt) {
        await repo().cancel(deliveryId, 'the subscription was deleted or deactivated');
        return { status: 0, skipped: 'subscription-inactive' };
      }

      let target: ResolvedTarget;
      try {
        target = await resolveWebhookTarget(subscription.url, deps.allowlist, deps.lookup);
      } catch (error) {
        if (error instanceof WebhookTargetError && error.code === 'UNRESOLVABLE') return fail(deliveryId, WebhookFailure.NETWORK_ERROR, error.message, null, true);
        const message = error instanceof Error ? error.message : String(error);
        return fail(deliveryId, WebhookFailure.TARGET_FORBIDDEN, message, null, false);
      }

      const body = JSON.stringify({ id: delivery.id, event: delivery.event, createdAt: delivery.createdAt.toISOString(), data: delivery.payload });
      const headers = {
        'content-type': 'application/json',
        'user-agent': userAgent,
        'x-flowcrm-event': delivery.event,
        'x-flowcrm-delivery': delivery.id,
        'idempotency-key': delivery.idempotencyKey,
        'x-flowcrm-signature': signatureHeader(subscription.secret, body),
      };
      let response: PinnedResponse;
      try {
        response = await postPinned(target, headers, body, deps.timeoutMs);
      } catch (error) {
        return fail(deliveryId, WebhookFailure.NETWORK_ERROR, `POST ${target.host} failed: ${(error as Error).message}`, null, true);
      }

      const { status } = response;
      if (status >= 200 && status < 300) {
        await repo().recordAttempt(deliveryId, { status: 'delivered', statusCode: status, error: null });
        return { status };
      }
      if (status >= 300 && status < 400) {
        return fail(deliveryId, WebhookFailure.REDIRECT_REFUSED, `redirect refused: the receiver answered ${status}${response.location ? ` to ${response.location}` : ''}; webhooks never follow redirects`, status, false);
      }
      if (status === 429) return fail(deliveryId, WebhookFailure.RATE_LIMITED, 'the receiver answered 429', status, true, retryAfterMs(response.retryAfter));
      if (status >= 500) return fail(deliveryId, WebhookFailure.SERVER_ERROR, `the receiver answered ${status}: ${response.snippet}`, status, true);
      return fail(deliveryId, WebhookFailure.REJECTED, `the receiver answered ${status}: ${response.snippet}`, status, false);
    },
  };
}
