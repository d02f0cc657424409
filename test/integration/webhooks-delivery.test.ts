import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { createNotificationActivities, verifySignature, type LookupAll } from '../../worker/notifications/index.js';
import { WebhookRepository } from '../../engine/db/notifications-webhooks.js';
import type { PublishEventInput, TaskEventPayload } from '../../worker/notification-types.js';
import { startCanary, type Canary, type CanaryReply } from '../support/webhooks-canary.js';

let stack: Stack;
const canaries: Canary[] = [];
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterEach(async () => {
  await Promise.all(canaries.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await stack?.stop();
});

async function canary(host: '127.0.0.1' | '::1', reply?: Parameters<typeof startCanary>[1]) {
  const c = await startCanary(host, reply);
  canaries.push(c);
  return c;
}

/** The only active subscription (earlier tests' ones are retired so publishEvent matches just this one). */
async function onlySubscription(url: string) {
  await stack.orm.em.fork().getConnection().execute(`update webhook_subscriptions set active = false, deleted_at = now() where deleted_at is null`);
  return new WebhookRepository(stack.orm.em.fork()).create({ url, events: ['task.created'], actor: 'admin' });
}

const payload: TaskEventPayload = {
  taskId: 't-1', kind: 'approval', title: 'Approve quote', processId: 'p-1', process: 'quote-approval', entity: 'quote',
  recordId: '00000000-0000-4000-8000-000000000001', step: 'approve', assignee: null, candidates: ['branchmgr'], at: '2025-01-01T00:00:00.000Z',
};
let keys = 0;
const event = (): PublishEventInput => ({ event: 'task.created', payload, idempotencyKey: `wf-1:task-created:${++keys}` });

async function deliveryRow(id: string) {
  const rows = await stack.orm.em.fork().getConnection().execute(`select status, attempts, last_status_code, last_error from webhook_deliveries where id = ?`, [id]);
  return rows[0] as { status: string; attempts: number; last_status_code: number | null; last_error: string | null };
}

async function publishOne(activities: ReturnType<typeof createNotificationActivities>) {
  const { deliveryIds } = await activities.publishEvent(event());
  expect(deliveryIds).toHaveLength(1);
  return deliveryIds[0];
}

describe('webhook delivery', () => {
  it('delivers a signed POST to an allow-listed canary; the Idempotency-Key is stable across a retried attempt', async () => {
    const target = await canary('127.0.0.1', (n) => ({ status: n === 1 ? 500 : 200 }));
    const subscription = await onlySubscription(`${target.url}/hook?src=flowcrm`);
    const activities = createNotificationActivities({ orm: stack.orm, allowlist: ['127.0.0.1'] });
    const input = event();
    const first = await activities.publishEvent(input);
    expect(first.deliveryIds).toHaveLength(1);
    expect(await activities.publishEvent(input)).toEqual(first);
    const deliveryId = first.deliveryIds[0];

    await expect(activities.deliverWebhook({ deliveryId })).rejects.toMatchObject({ type: 'WEBHOOK_SERVER_ERROR', nonRetryable: false });
    expect(await deliveryRow(deliveryId)).toMatchObject({ status: 'retrying', attempts: 1, last_status_code: 500 });
    expect(await activities.deliverWebhook({ deliveryId })).toEqual({ status: 200 });
    expect(await activities.deliverWebhook({ deliveryId })).toEqual({ status: 200 });
    expect(target.requests).toHaveLength(2);
    expect(await deliveryRow(deliveryId)).toMatchObject({ status: 'delivered', attempts: 2, last_status_code: 200, last_error: null });

    for (const request of target.requests) {
      expect(request).toMatchObject({ method: 'POST', url: '/hook?src=flowcrm' });
      expect(request.headers).toMatchObject({
        'content-type': 'application/json', 'x-flowcrm-event': 'task.created', 'x-flowcrm-delivery': deliveryId, 'idempotency-key': input.idempotencyKey,
      });
      expect(verifySignature(subscription.secret, request.headers['x-flowcrm-signature'] as string, request.body, 300)).toBe(true);
      expect(verifySignature('whsec_wrong', request.headers['x-flowcrm-signature'] as string, request.body, 300)).toBe(false);
      expect(JSON.parse(request.body)).toMatchObject({ id: deliveryId, event: 'task.created', data: payload });
    }
    expect(target.requests[0].body).toBe(target.requests[1].body);
  });

  it('refuses loopback, IPv6 loopback, metadata and localhost targets without connecting', async () => {
    const v4 = await canary('127.0.0.1');
    const v6 = await canary('::1');
    const activities = createNotificationActivities({ orm: stack.orm, timeoutMs: 2000 });
    for (const url of [`${v4.url}/hook`, `${v6.url}/hook`, 'http://169.254.169.254/latest/meta-data/', `http://localhost:${v4.port}/hook`,
      `http://[::ffff:127.0.0.1]:${v4.port}/hook`, `http://2130706433:${v4.port}/hook`]) {
      await onlySubscription(url);
      const deliveryId = await publishOne(activities);
      const started = Date.now();
      await expect(activities.deliverWebhook({ deliveryId }), url).rejects.toMatchObject({ type: 'WEBHOOK_TARGET_FORBIDDEN', nonRetryable: true });
      expect(Date.now() - started).toBeLessThan(1000);
      expect(await deliveryRow(deliveryId)).toMatchObject({ status: 'failed', attempts: 1, last_status_code: null });
    }
    expect(v4.connections).toBe(0);
    expect(v6.connections).toBe(0);
  });

  it('refuses a name whose DNS answers include an internal address, and connects to the checked address only', async () => {
    const target = await canary('127.0.0.1');
    const lookup: LookupAll = async (host) => {
      const table: Record<string, string[]> = { 'rebind.test': ['127.0.0.1'], 'mixed.test': ['93.184.216.34', '127.0.0.1'], 'pinned.test': ['127.0.0.1'] };
      if (!table[host]) throw new Error(`ENOTFOUND ${host}`);
      return table[host].map((address) => ({ address, family: 4 }));
    };
    const activities = createNotificationActivities({ orm: stack.orm, lookup, allowlist: ['pinned.test'] });
    for (const host of ['rebind.test', 'mixed.test']) {
      await onlySubscription(`http://${host}:${target.port}/hook`);
      await expect(activities.deliverWebhook({ deliveryId: await publishOne(activities) })).rejects.toMatchObject({ type: 'WEBHOOK_TARGET_FORBIDDEN' });
    }
    expect(target.connections).toBe(0);

    // pinned.test exists only in the injected resolver: reaching the canary proves the socket used the checked address.
    await onlySubscription(`http://pinned.test:${target.port}/hook`);
    expect(await activities.deliverWebhook({ deliveryId: await publishOne(activities) })).toEqual({ status: 200 });
    expect(target.requests.map((r) => r.headers.host)).toEqual([`pinned.test:${target.port}`]);
  });

  it('delivers to an allow-listed IPv6 literal', async () => {
    const target = await canary('::1');
    await onlySubscription(`${target.url}/v6`);
    const activities = createNotificationActivities({ orm: stack.orm, allowlist: ['::1'] });
    expect(await activities.deliverWebhook({ deliveryId: await publishOne(activities) })).toEqual({ status: 200 });
    expect(target.requests.map((r) => [r.url, r.headers.host])).toEqual([['/v6', `[::1]:${target.port}`]]);
  });

  it('never follows a redirect: the redirect target receives nothing', async () => {
    const final = await canary('127.0.0.1');
    const redirecting = await canary('127.0.0.1', () => ({ status: 302, headers: { location: `${final.url}/stolen` } }));
    await onlySubscription(`${redirecting.url}/hook`);
    const activities = createNotificationActivities({ orm: stack.orm, allowlist: ['127.0.0.1'] });
    const deliveryId = await publishOne(activities);
    await expect(activities.deliverWebhook({ deliveryId })).rejects.toMatchObject({
      type: 'WEBHOOK_REDIRECT_REFUSED', nonRetryable: true, message: expect.stringContaining('redirect refused'),
    });
    expect(redirecting.requests).toHaveLength(1);
    expect(final.connections).toBe(0);
    expect(await deliveryRow(deliveryId)).toMatchObject({ status: 'failed', last_status_code: 302 });
  });

  it('classifies answers: 4xx rejected for good, 429 and network failures retried', async () => {
    const statuses = [400, 429];
    const target = await canary('127.0.0.1', (n): CanaryReply => ({ status: statuses[n - 1], headers: n === 2 ? { 'retry-after': '7' } : {} }));
    await onlySubscription(`${target.url}/hook`);
    const activities = createNotificationActivities({ orm: stack.orm, allowlist: ['127.0.0.1'], timeoutMs: 500 });
    await expect(activities.deliverWebhook({ deliveryId: await publishOne(activities) })).rejects.toMatchObject({ type: 'WEBHOOK_REJECTED', nonRetryable: true });
    await expect(activities.deliverWebhook({ deliveryId: await publishOne(activities) })).rejects.toMatchObject({ type: 'WEBHOOK_RATE_LIMITED', nonRetryable: false, nextRetryDelay: 7000 });

    const hanging = await canary('127.0.0.1', () => ({ status: 200, hang: true }));
    await onlySubscription(`${hanging.url}/hook`);
    const started = Date.now();
    await expect(activities.deliverWebhook({ deliveryId: await publishOne(activities) })).rejects.toMatchObject({ type: 'WEBHOOK_NETWORK_ERROR', nonRetryable: false });
    expect(Date.now() - started).toBeLessThan(3000);

    const closed = await canary('127.0.0.1');
    await closed.close();
    await onlySubscription(`${closed.url}/hook`);
    await expect(activities.deliverWebhook({ deliveryId: await publishOne(activities) })).rejects.toMatchObject({ type: 'WEBHOOK_NETWORK_ERROR', nonRetryable: false });
  });

  it('publishes only to active subscriptions of the event and skips deliveries whose subscription was deleted', async () => {
    const target = await canary('127.0.0.1');
    const repo = new WebhookRepository(stack.orm.em.fork());
    const subscription = await onlySubscription(`${target.url}/a`);
    await repo.create({ url: `${target.url}/b`, events: ['process.completed'], actor: 'admin' });
    const all = await repo.create({ url: `${target.url}/c`, events: ['*'], actor: 'admin' });
    const activities = createNotificationActivities({ orm: stack.orm, allowlist: ['127.0.0.1'] });
    const { deliveryIds } = await activities.publishEvent(event());
    expect(deliveryIds).toHaveLength(2);
    await repo.remove(subscription.id, 'admin');
    const results = await Promise.all(deliveryIds.map((deliveryId) => activities.deliverWebhook({ deliveryId })));
    expect(results).toEqual(expect.arrayContaining([{ status: 0, skipped: 'subscription-inactive' }, { status: 200 }]));
    expect(target.requests.map((r) => r.url)).toEqual(['/c']);
    expect(all.events).toEqual(['*']);
    await expect(activities.deliverWebhook({ deliveryId: '00000000-0000-4000-8000-00000000dead' })).rejects.toMatchObject({ type: 'WEBHOOK_DELIVERY_NOT_FOUND', nonRetryable: true });
  });
});
