import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { inboxTaskFor, statusOf, submitQuote } from '../support/quotes.js';
import type { HttpClient } from '../support/http.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function approve(client: HttpClient, recordId: string) {
  const task = await inboxTaskFor(client, recordId, 5000);
  const res = await client.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, { outcome: 'approve' });
  expect(res.status).toBe(200);
  return task;
}

async function processOf(client: HttpClient, processId: string) {
  return (await client.get(`/api/processes/${encodeURIComponent(processId)}`)).body;
}

describe('running processes keep the configuration version they started with', () => {
  it('finishes an approval under the old chain after a publish removed a step, while new submissions follow the new one', async () => {
    const [admin, sales1, branchmgr, regiondir] = await Promise.all(['admin', 'sales1', 'branchmgr', 'regiondir'].map((u) => stack.as(u)));
    const old = await submitQuote(sales1, 25, 200_000);
    await inboxTaskFor(branchmgr, old.recordId, 5000);

    const { version: _v, hash: _h, ...bundle } = (await admin.get('/api/config')).body;
    const chain = bundle.approvalChains['quote-discount'];
    chain.steps = chain.steps.filter((s: { id: string }) => s.id !== 'region');
    const published = await admin.post('/api/config/publish', bundle);
    expect(published.status).toBe(201);
    expect(published.body.version).toBe(2);

    // The running approval was planned under version 1: the region step still applies to it.
    await approve(branchmgr, old.recordId);
    const regionTask = await approve(regiondir, old.recordId);
    expect(regionTask.candidates).toContain('regiondir');
    await statusOf(sales1, old.recordId, 'approved');
    const oldProcess = await processOf(sales1, old.processId);
    expect(oldProcess.configVersion).toBe(1);
    expect(oldProcess.tasks.map((t: { step: string }) => t.step)).toEqual(['branch', 'region']);

    // A new submission starts under version 2: the branch manager's approval is the last one.
    const fresh = await submitQuote(sales1, 25, 200_000);
    await approve(branchmgr, fresh.recordId);
    await statusOf(sales1, fresh.recordId, 'approved');
    const freshProcess = await processOf(sales1, fresh.processId);
    expect(freshProcess.configVersion).toBe(2);
    expect(freshProcess.tasks.map((t: { step: string }) => t.step)).toEqual(['branch']);
    expect((await regiondir.get('/api/inbox')).body.items.filter((t: { recordId: string }) => t.recordId === fresh.recordId)).toEqual([]);

    // Rolling back republishes version 1 as version 3, and the region step is back for the next submission.
    const rollback = await admin.post('/api/config/rollback', { version: 1 });
    expect(rollback.status).toBe(201);
    expect(rollback.body).toMatchObject({ version: 3, republished: 1 });
    const third = await submitQuote(sales1, 25, 200_000);
    await approve(branchmgr, third.recordId);
    await approve(regiondir, third.recordId);
    await statusOf(sales1, third.recordId, 'approved');
    const thirdProcess = await processOf(sales1, third.processId);
    expect(thirdProcess.configVersion).toBe(3);
    expect(thirdProcess.tasks.map((t: { step: string }) => t.step)).toEqual(['branch', 'region']);
  });
});
