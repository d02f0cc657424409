import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { quoteData, submitQuote, inboxTaskFor } from '../support/quotes.js';
import { eventually } from '../support/http.js';
import { publishVariant } from '../support/config.js';
import { startCanary, type Canary } from '../support/webhooks-canary.js';
import { verifySignature } from '../../worker/notifications/signature.js';
import { createNotificationActivities } from '../../worker/notifications/index.js';

let stack: Stack;
let canary: Canary;
const complete = (id: string) => `/api/tasks/${encodeURIComponent(id)}/complete`;

beforeAll(async () => {
  process.env.FLOWCRM_WEBHOOK_ALLOWLIST = '127.0.0.1'; // read when the worker and the API start
  [stack, canary] = await Promise.all([startStack(), startCanary('127.0.0.1')]);
});
afterAll(async () => {
  await stack?.stop();
  await canary?.close();
});

async function createCustomer(name: string) {
  const sales1 = await stack.as('sales1');
  const res = await sales1.post('/api/records/customer', { name, email: 'buyer@example.com', source: 'website', type: 'enterprise', tier: 'A' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

describe('customer master data review (starter pack)', () => {
  it('needs a first review and then a second review by a different user', async () => {
    const sales1 = await stack.as('sales1');
    const [branchmgr, regiondir] = await Promise.all(['branchmgr', 'regiondir'].map((u) => stack.as(u)));
    const recordId = await createCustomer('Harbin Boiler Works');
    const started = await sales1.post('/api/processes', { process: 'customer-review', entity: 'customer', recordId });
    expect(started.status).toBe(201);
    const first = await inboxTaskFor(branchmgr, recordId, 60_000); // the file's first start meets a cold worker
    expect(first.candidates.sort()).toEqual(['branchmgr', 'regiondir']);
    expect((await branchmgr.post(complete(first.id), { outcome: 'approve', comment: 'first review done' })).status).toBe(200);
    const second = await inboxTaskFor(regiondir, recordId);
    expect(second.step).toBe('second-review');
    expect(second.candidates).toEqual(['regiondir']);
    expect((await branchmgr.post(complete(second.id), { outcome: 'approve' })).status).toBe(403);
    expect((await regiondir.post(complete(second.id), { outcome: 'approve', comment: 'second review done' })).status).toBe(200);
    await eventually(async () => (await sales1.get(`/api/processes/${encodeURIComponent(started.body.id)}`)).body.outcome === 'approved');
  });
});

describe('claim and release', () => {
  it('lets one candidate claim a shared task, hides it from the others, and gives it back on release', async () => {
    const [branchmgr, regiondir] = await Promise.all(['branchmgr', 'regiondir'].map((u) => stack.as(u)));
    const recordId = await createCustomer('Qingdao Pumps');
    await (await stack.as('sales1')).post('/api/processes', { process: 'customer-review', entity: 'customer', recordId });
    const task = await inboxTaskFor(regiondir, recordId);
    const path = `/api/tasks/${encodeURIComponent(task.id)}`;
    expect((await (await stack.as('finance')).post(`${path}/claim`)).status).toBe(403);
    const claimed = await regiondir.post(`${path}/claim`);
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ status: 'claimed', assignee: 'regiondir' });
    expect((await branchmgr.get('/api/inbox')).body.items.map((t: { id: string }) => t.id)).not.toContain(task.id);
    expect((await branchmgr.post(`${path}/claim`)).status).toBe(409);
    expect((await branchmgr.post(complete(task.id), { outcome: 'approve' })).status).toBe(409);
    expect((await branchmgr.post(`${path}/release`)).status).toBe(409);
    const released = await regiondir.post(`${path}/release`);
    expect(released.body).toMatchObject({ status: 'open', assignee: null });
    expect((await branchmgr.get('/api/inbox?scope=candidate')).body.items.map((t: { id: string }) => t.id)).toContain(task.id);
    expect((await branchmgr.post(complete(task.id), { outcome: 'approve' })).status).toBe(200);
  });
});

describe('entry criteria', () => {
  it('refuses to submit a record the chain does not accept', async () => {
    await publishVariant(stack, (bundle) => {
      bundle.approvalChains['quote-discount'].entry = 'record.total >= 1000.0';
    });
    const sales1 = await stack.as('sales1');
    const small = await sales1.post('/api/records/quote', quoteData(15, 500));
    const refused = await sales1.post('/api/processes', { process: 'quote-approval', entity: 'quote', recordId: small.body.id });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'ENTRY_CRITERIA_NOT_MET', details: [{ path: '/recordId' }] });
    expect((await sales1.get(`/api/records/quote/${small.body.id}`)).body.data.status).toBe('draft');
  });
});

describe('notifications from the workflows', () => {
  it('puts the assignment in the approver\'s feed and delivers a signed task.created webhook', async () => {
    const admin = await stack.as('admin');
    const subscription = await admin.post('/api/webhooks', { url: `${canary.url}/hooks`, events: ['task.created', 'process.completed'] });
    expect(subscription.status, JSON.stringify(subscription.body)).toBe(201);
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const { recordId, processId } = await submitQuote(sales1, 15, 20_000);
    const task = await inboxTaskFor(branchmgr, recordId);

    const feed = await eventually(async () => {
      const res = await branchmgr.get('/api/notifications');
      return res.body.items.find((n: { link?: { taskId?: string } }) => n.link?.taskId === task.id);
    });
    expect(feed).toMatchObject({ kind: 'task.assigned' });

    const delivery = await eventually(async () => canary.requests.find((r) => r.headers['x-flowcrm-event'] === 'task.created' && r.body.includes(task.id)), 90_000); // retries back off 1, 2, 4, 8, 16 s
    expect(verifySignature(subscription.body.secret, delivery.headers['x-flowcrm-signature'] as string, delivery.body)).toBe(true);
    expect(JSON.parse(delivery.body)).toMatchObject({ event: 'task.created' });

    expect((await branchmgr.post(complete(task.id), { outcome: 'approve' })).status).toBe(200);
    const done = await eventually(async () => canary.requests.find((r) => r.headers['x-flowcrm-event'] === 'process.completed' && r.body.includes(processId)), 90_000);
    expect(JSON.parse(done.body)).toMatchObject({ event: 'process.completed', data: { outcome: 'approved', requester: 'sales1', processId } });
  }, 200_000);

  it('marks a webhook delivery failed once its retries run out', async () => {
    const down = await startCanary('127.0.0.1', () => ({ status: 503 }));
    try {
      const admin = await stack.as('admin');
      expect((await admin.post('/api/webhooks', { url: `${down.url}/down`, events: ['record.created'] })).status).toBe(201);
      const notifications = createNotificationActivities({ orm: stack.orm, allowlist: ['127.0.0.1'] });
      const recordId = '00000000-0000-4000-8000-000000000001';
      const { deliveryIds } = await notifications.publishEvent({
        event: 'record.created', idempotencyKey: `give-up-${recordId}`,
        payload: { entity: 'quote', recordId, version: 1, actor: 'sales1', at: new Date().toISOString() },
      });
      const result = await stack.flow.client.workflow.execute('webhookDeliveryWorkflow', {
        taskQueue: stack.taskQueue, workflowId: `test-give-up-${recordId}`,
        args: [{ deliveryIds, retry: { initialInterval: '50 milliseconds', maximumInterval: '100 milliseconds', maximumAttempts: 3 } }],
      });
      expect(deliveryIds).toHaveLength(1);
      expect(result).toEqual({ delivered: 0, failed: 1 });
      const [row] = await stack.orm.em.fork().getConnection().execute(`select status, attempts, last_error from webhook_deliveries where id = ?`, [deliveryIds[0]]);
      expect(row).toMatchObject({ status: 'failed', attempts: 3 });
      expect(row.last_error).toMatch(/gave up after the last retry/);
      expect(down.requests).toHaveLength(3);
    } finally {
      await down.close();
    }
  }, 60_000);
});
