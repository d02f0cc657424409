import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { startStackWith, type Stack } from '../support/stack-core.js';
import { ConfigStore } from '../../engine/db/config-store.js';
import { addBusinessDuration, type Calendar } from '../../engine/domain/calendar/index.js';
import { submitQuote, inboxTaskFor } from '../support/quotes.js';
import { eventually } from '../support/http.js';

const testServer = fileURLToPath(new URL('../../.tools/bin/temporal-test-server', import.meta.url));
const hour = 3600_000;

const business: Calendar = {
  utcOffset: '+08:00',
  workingHours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '12:00'], ['13:00', '18:00']]])),
};

let env: TestWorkflowEnvironment;
let stack: Stack;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer } } });
  stack = await startStackWith({ temporalAddress: env.address, workflowBundlePath: inject('workflowBundlePath') });
  const store = new ConfigStore(stack.orm.em.fork());
  const { bundle } = await store.current();
  const next = structuredClone(bundle) as any;
  next.calendars = { business };
  next.approvalChains['quote-discount'].steps[0].timeout = { after: 'PT48H', calendar: 'business', action: 'escalate', to: { managerOf: 'approver' } };
  next.approvalChains['auto-approve'] = {
    entity: 'quote',
    steps: [{ id: 'branch', approvers: { managerOf: 'requester' }, timeout: { after: 'PT2H', action: 'approve', remindEvery: 'PT30M' } }],
    onSubmit: { set: { status: 'pending_approval' } }, onApproved: { set: { status: 'approved' } }, onRejected: { set: { status: 'rejected' } },
  };
  next.processes['auto-approve'] = { entity: 'quote', steps: [{ id: 'approve', type: 'approval', chain: 'auto-approve' }, { id: 'end', type: 'end' }] };
  await store.publish(next, 'admin');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await env?.teardown();
});

async function escalations(processId: string, client: Awaited<ReturnType<Stack['as']>>): Promise<number> {
  const process = await client.get(`/api/processes/${encodeURIComponent(processId)}`);
  return process.body.timeline.filter((e: { event: string }) => e.event === 'escalated').length;
}

describe('approval timeouts on the time-skipping server', () => {
  it('escalates a branch approval after 48 business hours, exactly once, to the approver\'s manager', async () => {
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const regiondir = await stack.as('regiondir');
    const { recordId, processId } = await submitQuote(sales1, 15, 20_000);
    const task = await inboxTaskFor(branchmgr, recordId, 10_000);
    const detail = await branchmgr.get(`/api/tasks/${encodeURIComponent(task.id)}`);
    expect(detail.body.dueAt).toBe(new Date(addBusinessDuration(detail.body.createdAt, 'PT48H', business)).toISOString());

    const untilDue = Date.parse(detail.body.dueAt) - (await env.currentTimeMs());
    expect(untilDue).toBeGreaterThanOrEqual(48 * hour); // business hours span at least as much wall-clock time
    await env.sleep(untilDue - hour);
    expect(await escalations(processId, sales1)).toBe(0);
    expect((await branchmgr.get('/api/inbox')).body.items.map((t: { id: string }) => t.id)).toContain(task.id);

    await env.sleep(2 * hour);
    await eventually(async () => (await escalations(processId, sales1)) === 1, 10_000);
    const moved = await inboxTaskFor(regiondir, recordId, 10_000);
    expect(moved.id).toBe(task.id);
    expect((await branchmgr.get('/api/inbox')).body.items.map((t: { id: string }) => t.id)).not.toContain(task.id);

    await env.sleep(200 * hour);
    expect(await escalations(processId, sales1)).toBe(1);
    const history = await sales1.get(`/api/records/quote/${recordId}/history`);
    expect(history.body.items.filter((h: { action: string }) => h.action === 'reassign')).toEqual([
      expect.objectContaining({ actor: 'system', comment: 'escalated after timeout', changes: { approvers: { before: ['branchmgr'], after: ['regiondir'] } } }),
    ]);

    expect((await regiondir.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, { outcome: 'approve' })).status).toBe(200);
    await eventually(async () => (await sales1.get(`/api/records/quote/${recordId}`)).body.data.status === 'approved', 10_000);
  }, 120_000);

  it('reminds every 30 minutes and auto-approves after 2 hours, each exactly once', async () => {
    const sales2 = await stack.as('sales2');
    const branchmgr = await stack.as('branchmgr');
    const created = await sales2.post('/api/records/quote', { customerName: 'Auto Co', lines: [{ product: 'P', quantity: 1, unitPrice: 10 }], discountPercent: 15, total: 10 });
    await sales2.post('/api/processes', { process: 'auto-approve', entity: 'quote', recordId: created.body.id });
    const task = await inboxTaskFor(branchmgr, created.body.id, 10_000);
    const reminders = async () => (await branchmgr.get('/api/notifications')).body.items
      .filter((n: { kind: string; link?: { taskId?: string } }) => n.kind === 'task.reminder' && n.link?.taskId === task.id).length;

    await env.sleep(65 * 60_000);
    await eventually(async () => (await reminders()) === 2, 10_000);
    expect((await sales2.get(`/api/records/quote/${created.body.id}`)).body.data.status).toBe('pending_approval');

    await env.sleep(60 * 60_000);
    await eventually(async () => (await sales2.get(`/api/records/quote/${created.body.id}`)).body.data.status === 'approved', 10_000);
    await env.sleep(10 * hour);
    expect(await reminders()).toBe(3);
    const process = await sales2.get(`/api/processes/${encodeURIComponent(`auto-approve:quote:${created.body.id}`)}`);
    expect(process.body.timeline.filter((e: { event: string }) => e.event === 'timeout:approve')).toHaveLength(1);
    expect((await branchmgr.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, { outcome: 'reject' })).status).toBe(409);
  }, 120_000);
});
