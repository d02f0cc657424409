import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { quoteData, inboxTaskFor, statusOf } from '../support/quotes.js';
import type { HttpClient } from '../support/http.js';
import { publishVariant, quoteChainWithProcess } from '../support/config.js';

let stack: Stack;
const complete = (id: string) => `/api/tasks/${encodeURIComponent(id)}/complete`;

beforeAll(async () => {
  stack = await startStack();
  const committee = [{ role: 'regional_director' }, { role: 'head_office' }, { role: 'finance' }];
  await publishVariant(stack, (bundle) => {
    quoteChainWithProcess(bundle, 'committee-2-of-3', [{ id: 'committee', approvers: committee, mode: { kOfN: 2 } }]);
    quoteChainWithProcess(bundle, 'committee-half', [{ id: 'committee', approvers: committee, mode: { percent: 50 } }]);
    quoteChainWithProcess(bundle, 'back-to-branch', [
      { id: 'branch', approvers: { managerOf: 'requester' } },
      { id: 'region', approvers: { role: 'regional_director' }, onReject: 'previous' },
    ]);
    quoteChainWithProcess(bundle, 'four-eyes', [
      { id: 'first', approvers: [{ user: 'branchmgr' }, { user: 'regiondir' }] },
      { id: 'second', approvers: [{ user: 'branchmgr' }, { user: 'regiondir' }] },
    ], { distinctApprovers: true });
    quoteChainWithProcess(bundle, 'org-and-expression', [
      { id: 'two-up', approvers: { managerOf: 'requester', levels: 2 } },
      { id: 'by-amount', approvers: { expression: 'record.total > 100000.0 ? ["hqvp"] : ["finance"]' } },
    ]);
  });
});
afterAll(async () => {
  await stack?.stop();
});

async function submit(client: HttpClient, process: string, discount = 15, total = 20_000) {
  const created = await client.post('/api/records/quote', quoteData(discount, total));
  const started = await client.post('/api/processes', { process, entity: 'quote', recordId: created.body.id });
  expect(started.status).toBe(201);
  return created.body.id as string;
}

describe('request changes', () => {
  it('returns the quote to the requester, who edits and resubmits; the chain starts over', async () => {
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const recordId = await submit(sales1, 'quote-approval');
    const first = await inboxTaskFor(branchmgr, recordId);
    expect((await branchmgr.post(complete(first.id), { outcome: 'request_changes', comment: 'discount above 12% needs a reason' })).status).toBe(200);
    const quote = await statusOf(sales1, recordId, 'draft');

    const revise = await inboxTaskFor(sales1, recordId);
    expect(revise.kind).toBe('task');
    expect((await branchmgr.post(complete(revise.id), { outcome: 'resubmit' })).status).toBe(403);
    expect((await sales1.post(complete(revise.id), { outcome: 'approve' })).status).toBe(422);
    const edited = await sales1.patch(`/api/records/quote/${recordId}`, { discountPercent: 12 }, { 'if-match': String(quote.version) });
    expect(edited.status).toBe(200);
    expect((await sales1.post(complete(revise.id), { outcome: 'resubmit', comment: 'lowered to 12%' })).status).toBe(200);

    const second = await inboxTaskFor(branchmgr, recordId);
    expect(second.id).not.toBe(first.id);
    await statusOf(sales1, recordId, 'pending_approval');
    expect((await branchmgr.post(complete(second.id), { outcome: 'approve' })).status).toBe(200);
    await statusOf(sales1, recordId, 'approved');
  });

  it('ends as recalled when the requester withdraws instead', async () => {
    const sales2 = await stack.as('sales2');
    const branchmgr = await stack.as('branchmgr');
    const recordId = await submit(sales2, 'quote-approval');
    const task = await inboxTaskFor(branchmgr, recordId);
    await branchmgr.post(complete(task.id), { outcome: 'request_changes' });
    const revise = await inboxTaskFor(sales2, recordId);
    expect((await sales2.post(complete(revise.id), { outcome: 'withdraw' })).status).toBe(200);
    await statusOf(sales2, recordId, 'draft');
    const process = await sales2.get(`/api/processes/${encodeURIComponent(`quote-approval:quote:${recordId}`)}`);
    await expect.poll(async () => (await sales2.get(`/api/processes/${encodeURIComponent(`quote-approval:quote:${recordId}`)}`)).body.outcome).toBe('recalled');
    expect(process.status).toBe(200);
  });
});

describe('quorum modes', () => {
  it('k-of-n: two of three approvals approve, and the third task is cancelled', async () => {
    const sales1 = await stack.as('sales1');
    const [regiondir, hqvp, finance] = await Promise.all(['regiondir', 'hqvp', 'finance'].map((u) => stack.as(u)));
    const recordId = await submit(sales1, 'committee-2-of-3');
    const [t1, t2, t3] = await Promise.all([regiondir, hqvp, finance].map((c) => inboxTaskFor(c, recordId)));
    expect(new Set([t1.id, t2.id, t3.id]).size).toBe(3);
    expect((await regiondir.post(complete(t1.id), { outcome: 'approve' })).status).toBe(200);
    expect((await sales1.get(`/api/records/quote/${recordId}`)).body.data.status).toBe('pending_approval');
    expect((await finance.post(complete(t3.id), { outcome: 'approve' })).status).toBe(200);
    await statusOf(sales1, recordId, 'approved');
    expect((await hqvp.post(complete(t2.id), { outcome: 'approve' })).status).toBe(409);
  });

  it('percentage: 50% of three needs two approvals; two rejections make it unreachable', async () => {
    const sales1 = await stack.as('sales1');
    const [regiondir, hqvp] = await Promise.all(['regiondir', 'hqvp'].map((u) => stack.as(u)));
    const recordId = await submit(sales1, 'committee-half');
    const [t1, t2] = await Promise.all([regiondir, hqvp].map((c) => inboxTaskFor(c, recordId)));
    await regiondir.post(complete(t1.id), { outcome: 'reject' });
    expect((await sales1.get(`/api/records/quote/${recordId}`)).body.data.status).toBe('pending_approval');
    await hqvp.post(complete(t2.id), { outcome: 'reject' });
    await statusOf(sales1, recordId, 'rejected');
  });
});

describe('routing rules', () => {
  it('a rejection with onReject=previous asks the previous step again', async () => {
    const sales1 = await stack.as('sales1');
    const [branchmgr, regiondir] = await Promise.all(['branchmgr', 'regiondir'].map((u) => stack.as(u)));
    const recordId = await submit(sales1, 'back-to-branch');
    const b1 = await inboxTaskFor(branchmgr, recordId);
    await branchmgr.post(complete(b1.id), { outcome: 'approve' });
    const r1 = await inboxTaskFor(regiondir, recordId);
    await regiondir.post(complete(r1.id), { outcome: 'reject', comment: 'branch, check the margin again' });
    const b2 = await inboxTaskFor(branchmgr, recordId);
    expect(b2.id).not.toBe(b1.id);
    await branchmgr.post(complete(b2.id), { outcome: 'approve' });
    const r2 = await inboxTaskFor(regiondir, recordId);
    await regiondir.post(complete(r2.id), { outcome: 'approve' });
    await statusOf(sales1, recordId, 'approved');
  });

  it('distinct approvers: whoever approved the first step is not asked in the second', async () => {
    const sales1 = await stack.as('sales1');
    const [branchmgr, regiondir] = await Promise.all(['branchmgr', 'regiondir'].map((u) => stack.as(u)));
    const recordId = await submit(sales1, 'four-eyes');
    const first = await inboxTaskFor(regiondir, recordId);
    await regiondir.post(complete(first.id), { outcome: 'approve' });
    const second = await inboxTaskFor(branchmgr, recordId);
    expect(second.candidates).toEqual(['branchmgr']);
    expect((await regiondir.post(complete(second.id), { outcome: 'approve' })).status).toBe(403);
    expect((await branchmgr.post(complete(second.id), { outcome: 'approve' })).status).toBe(200);
    await statusOf(sales1, recordId, 'approved');
  });

  it('resolves N levels up the org tree and a CEL expression over the live record', async () => {
    const sales1 = await stack.as('sales1');
    const [regiondir, hqvp, finance] = await Promise.all(['regiondir', 'hqvp', 'finance'].map((u) => stack.as(u)));
    const big = await submit(sales1, 'org-and-expression', 5, 200_000);
    const small = await submit(sales1, 'org-and-expression', 5, 50_000);
    for (const recordId of [big, small]) {
      const task = await inboxTaskFor(regiondir, recordId);
      expect(task.candidates).toEqual(['regiondir']);
      await regiondir.post(complete(task.id), { outcome: 'approve' });
    }
    const toHq = await inboxTaskFor(hqvp, big);
    const toFinance = await inboxTaskFor(finance, small);
    const detail = await hqvp.get(`/api/tasks/${encodeURIComponent(toHq.id)}`);
    expect(detail.body.routing[0].rule).toMatch(/^expression:/);
    await hqvp.post(complete(toHq.id), { outcome: 'approve' });
    await finance.post(complete(toFinance.id), { outcome: 'approve' });
    await statusOf(sales1, big, 'approved');
    await statusOf(sales1, small, 'approved');
  });
});
