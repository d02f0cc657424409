import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startStack, type Stack } from '../support/stack.js';
import { submitQuote, inboxTaskFor, statusOf } from '../support/quotes.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('a task row that says decided while its run still waits', () => {
  // What a worker killed inside the decision's Update leaves behind: the row written, the decision not committed.
  it('takes the decision from the run, not the row, and refuses a second one', async () => {
    const [sales1, branchmgr] = await Promise.all([stack.as('sales1'), stack.as('branchmgr')]);
    const { recordId } = await submitQuote(sales1, 15, 40_000);
    const task = await inboxTaskFor(branchmgr, recordId);
    const db = new pg.Client(stack.databaseUrl);
    await db.connect();
    await db.query(`update tasks set status = 'completed', outcome = 'approve', decided_by = 'branchmgr', completed_at = now() where id = $1`, [task.id]);
    await db.end();

    const url = `/api/tasks/${encodeURIComponent(task.id)}/complete`;
    const decided = await branchmgr.post(url, { outcome: 'approve' });
    expect([decided.status, decided.body.outcome]).toEqual([200, 'approve']);
    await statusOf(sales1, recordId, 'approved');
    const again = await branchmgr.post(url, { outcome: 'approve' });
    expect([again.status, again.body.error?.code]).toEqual([409, 'TASK_ALREADY_DECIDED']);
  });
});
