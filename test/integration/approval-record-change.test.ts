import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { quoteData, submitQuote, inboxTaskFor, statusOf } from '../support/quotes.js';
import { eventually } from '../support/http.js';
import { publishVariant, quoteChainWithProcess } from '../support/config.js';

let stack: Stack;
const complete = (id: string) => `/api/tasks/${encodeURIComponent(id)}/complete`;

beforeAll(async () => {
  stack = await startStack();
  const steps = [
    { id: 'branch', when: 'record.discountPercent > 10.0', approvers: { managerOf: 'requester' } },
    { id: 'region', when: 'record.total > 500000.0', approvers: { role: 'regional_director' } },
  ];
  await publishVariant(stack, (bundle) => {
    for (const policy of ['reevaluate', 'restart']) quoteChainWithProcess(bundle, `on-change-${policy}`, steps, { onRecordChange: policy });
  });
});
afterAll(async () => {
  await stack?.stop();
});

describe('a record edited during approval', () => {
  it('keeps locked fields locked while pending, and frees them when the approval ends', async () => {
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const { recordId, processId } = await submitQuote(sales1, 15, 20_000);
    const task = await inboxTaskFor(branchmgr, recordId);
    const read = await sales1.get(`/api/records/quote/${recordId}`);
    expect(read.body.locks).toEqual({ fields: ['lines', 'discountPercent', 'total'], processIds: [processId] });
    const locked = await sales1.patch(`/api/records/quote/${recordId}`, { discountPercent: 30, total: 1 });
    expect(locked.status).toBe(409);
    expect(locked.body.error.code).toBe('RECORD_LOCKED');
    expect(locked.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['/discountPercent', '/total']);
    expect((await sales1.delete(`/api/records/quote/${recordId}`)).status).toBe(409);
    expect((await sales1.patch(`/api/records/quote/${recordId}`, { customerName: 'Acme Trading Ltd' })).status).toBe(200);
    await branchmgr.post(complete(task.id), { outcome: 'approve' });
    await statusOf(sales1, recordId, 'approved');
    await eventually(async () => (await sales1.patch(`/api/records/quote/${recordId}`, { discountPercent: 14 })).status === 200);
    expect((await sales1.get(`/api/records/quote/${recordId}`)).body.locks).toEqual({ fields: [], processIds: [] });
  });

  it('re-evaluates the remaining steps when the amount rises (onRecordChange: reevaluate)', async () => {
    const sales1 = await stack.as('sales1');
    const [branchmgr, regiondir] = await Promise.all(['branchmgr', 'regiondir'].map((u) => stack.as(u)));
    const created = await sales1.post('/api/records/quote', quoteData(15, 100_000));
    const recordId = created.body.id;
    await sales1.post('/api/processes', { process: 'on-change-reevaluate', entity: 'quote', recordId });
    const branch = await inboxTaskFor(branchmgr, recordId);
    expect((await sales1.patch(`/api/records/quote/${recordId}`, { total: 600_000 })).status).toBe(200);
    const processId = `on-change-reevaluate:quote:${recordId}`;
    await eventually(async () => (await sales1.get(`/api/processes/${encodeURIComponent(processId)}`)).body.timeline.some((e: { event: string }) => e.event === 'record-changed'));
    expect((await branchmgr.post(complete(branch.id), { outcome: 'approve' })).status).toBe(200);
    const region = await inboxTaskFor(regiondir, recordId);
    await regiondir.post(complete(region.id), { outcome: 'approve' });
    await statusOf(sales1, recordId, 'approved');
  });

  it('drops a waiting step whose condition no longer holds (reevaluate)', async () => {
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const created = await sales1.post('/api/records/quote', quoteData(15, 100_000));
    const recordId = created.body.id;
    await sales1.post('/api/processes', { process: 'on-change-reevaluate', entity: 'quote', recordId });
    const branch = await inboxTaskFor(branchmgr, recordId);
    expect((await sales1.patch(`/api/records/quote/${recordId}`, { discountPercent: 5 })).status).toBe(200);
    await statusOf(sales1, recordId, 'approved');
    expect((await branchmgr.post(complete(branch.id), { outcome: 'approve' })).status).toBe(409);
  });

  it('starts the chain over on an edit (onRecordChange: restart)', async () => {
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const created = await sales1.post('/api/records/quote', quoteData(15, 100_000));
    const recordId = created.body.id;
    await sales1.post('/api/processes', { process: 'on-change-restart', entity: 'quote', recordId });
    const first = await inboxTaskFor(branchmgr, recordId);
    expect((await sales1.patch(`/api/records/quote/${recordId}`, { customerName: 'Renamed Co' })).status).toBe(200);
    const second = await eventually(async () => {
      const task = await inboxTaskFor(branchmgr, recordId);
      return task.id !== first.id ? task : null;
    });
    expect((await branchmgr.post(complete(first.id), { outcome: 'approve' })).status).toBe(409);
    expect((await branchmgr.post(complete(second.id), { outcome: 'approve' })).status).toBe(200);
    await statusOf(sales1, recordId, 'approved');
  });
});
