import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { startStack, type Stack } from '../support/stack.js';
import { createRecord, openTaskOf } from '../support/processes.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const day = 86_400_000;
/** Today's date in Beijing time, shifted by whole days. */
const beijingDate = (days: number) => new Date(Date.now() + 8 * 3_600_000 + days * day).toISOString().slice(0, 10);

describe('collections escalation on a receivable whose early rungs have passed', () => {
  // Boundaries already due fire in the first workflow task and cancel the rung tasks while their local activities
  // run: that must not fail the workflow task (it used to: "Nondeterminism error: Invalid transition in state machine").
  it('skips to the current rung with no failed workflow task and no task left open on a passed rung', async () => {
    const sales1 = await stack.as('sales1');
    const collector = await stack.as('collector1');
    const customer = await createRecord(sales1, 'customer', { name: 'Late dealer' });
    const recordId = await createRecord(sales1, 'receivable', { customer, amount: 1_000, shippedAt: beijingDate(-30), dueDate: beijingDate(0), salesUnit: 'east-1' });
    await openTaskOf(collector, recordId, 'r03-agree-payment-date', 30_000);

    const history = await stack.flow.client.workflow.getHandle(`collections-escalation:receivable:${recordId}`).fetchHistory();
    const failed = (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes)
      .map((e) => e.workflowTaskFailedEventAttributes?.failure?.message);
    expect(failed).toEqual([]);
    const open = (await collector.get('/api/inbox')).body.items.filter((t: { recordId: string }) => t.recordId === recordId);
    expect(open.map((t: { step: string }) => t.step)).toEqual(['r03-agree-payment-date']);
    // and the run as recorded replays on the same code
    const current = await stack.flow.client.workflow.getHandle(`collections-escalation:receivable:${recordId}`).fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, current, `collections-escalation:receivable:${recordId}`);
  }, 120_000);
});
