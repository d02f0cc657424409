import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { publishVariant } from '../support/config.js';
import { eventually } from '../support/http.js';
import { quoteData } from '../support/quotes.js';
import { createRecord, expenseEntity, openTaskOf, processIn, processUrl, startProcess } from '../support/processes.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  await publishVariant(stack, (bundle) => {
    bundle.entities.expense = expenseEntity;
    bundle.processes['broken-expression'] = {
      entity: 'expense', steps: [
        { id: 'check', type: 'decision', branches: [{ when: 'vars.missing.limit > 10.0', goto: 'end' }], otherwise: 'end' },
        { id: 'end', type: 'end' },
      ],
    };
    bundle.processes['count-twice'] = {
      entity: 'expense', steps: [
        { id: 'again', type: 'loop', max: 2, steps: [
          { id: 'bump', type: 'action', action: 'set', set: { receipts: { expr: 'has(record.receipts) ? record.receipts + 1.0 : 1.0' } } },
          { id: 'tell', type: 'action', action: 'notify', to: { managerOf: 'requester' }, message: { en: 'Expense counted' } },
        ] },
        { id: 'end', type: 'end', outcome: 'counted' },
      ],
    };
    bundle.processes['score-it'] = {
      entity: 'expense', steps: [
        { id: 'rating', type: 'action', action: 'score', into: { total: 'score', grade: 'grade', explanation: 'scoreExplanation' },
          scorecard: {
            items: [
              { id: 'large', when: 'record.amount > 1000.0', points: 30, weight: 0.5 },
              { id: 'receipts', points: 'has(record.receipts) ? record.receipts * 10.0 : 0.0' },
              { id: 'noted', when: 'has(record.note)', points: 5 },
            ],
            grades: [{ min: 0, grade: 'C' }, { min: 20, grade: 'B' }, { min: 40, grade: 'A' }],
          } },
        { id: 'route', type: 'decision', branches: [{ when: "vars.rating.grade == 'A'", goto: 'top' }], otherwise: 'end' },
        { id: 'top', type: 'end', outcome: 'top' },
        { id: 'end', type: 'end', outcome: 'ordinary' },
      ],
    };
    bundle.processes['child-review'] = {
      entity: 'expense', steps: [{ id: 'child-task', type: 'task', title: { en: 'Child task' }, assignee: 'requester', outcomes: ['ok', 'not-ok'] }, { id: 'end', type: 'end', outcome: 'reviewed' }],
    };
    bundle.processes['parent'] = {
      entity: 'expense', steps: [
        { id: 'copy', type: 'action', action: 'createRecord', entity: 'expense', data: { title: 'Child of a parent', amount: { expr: 'record.amount * 2.0' } } },
        { id: 'child', type: 'subprocess', process: 'child-review', record: 'vars.copy.id' },
        { id: 'side', type: 'action', action: 'startProcess', process: 'hold', record: 'vars.copy.id' },
        { id: 'two-of-three', type: 'parallel', join: 2, branches: [
          [{ id: 'w1', type: 'wait', for: 'PT1S' }], [{ id: 'w2', type: 'wait', for: 'PT2S' }], [{ id: 'w3', type: 'wait', for: 'P30D' }],
        ] },
        { id: 'end', type: 'end', outcome: 'parent-done' },
      ],
    };
    bundle.processes['hold'] = {
      entity: 'expense', steps: [{ id: 'review', type: 'task', title: { en: 'Review' }, assignee: { managerOf: 'requester' } }, { id: 'end', type: 'end' }],
    };
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('a run ends final whichever way it ends', () => {
  it('cancels a pending quote approval: row cancelled, task cancelled, locks gone, and the quote can be submitted again', async () => {
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const recordId = (await sales1.post('/api/records/quote', quoteData(15, 20_000))).body.id;
    const processId = await startProcess(sales1, 'quote-approval', 'quote', recordId);
    const task = await openTaskOf(branchmgr, recordId);
    expect((await sales1.patch(`/api/records/quote/${recordId}`, { discountPercent: 12 })).status).toBe(409);

    expect((await (await stack.as('sales2')).post(`${processUrl(processId)}/cancel`, {})).status).toBe(403);
    const cancelled = await sales1.post(`${processUrl(processId)}/cancel`, { reason: 'customer withdrew' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const view = await processIn(sales1, processId, 'cancelled');
    for (const id of [processId, `${processId}:approve`]) expect((await stack.flow.client.workflow.getHandle(id).describe()).status.name).toBe('CANCELLED');
    expect(view.endedAt).not.toBeNull();
    expect(view.tasks.find((t: { id: string }) => t.id === task.id).status).toBe('cancelled');
    expect((await branchmgr.get('/api/inbox')).body.items.map((t: { id: string }) => t.id)).not.toContain(task.id);
    expect((await sales1.patch(`/api/records/quote/${recordId}`, { discountPercent: 12 })).status).toBe(200);
    expect((await sales1.post(`${processUrl(processId)}/cancel`, {})).status).toBe(409);

    expect(await startProcess(sales1, 'quote-approval', 'quote', recordId)).toBe(processId);
    const again = await openTaskOf(branchmgr, recordId);
    expect(again.id).not.toBe(task.id);
  }, 60_000);

  it('reconciles a terminated run: row, tasks and locks final on the next read', async () => {
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const recordId = (await sales1.post('/api/records/quote', quoteData(15, 30_000))).body.id;
    const processId = await startProcess(sales1, 'quote-approval', 'quote', recordId);
    const task = await openTaskOf(branchmgr, recordId);
    await stack.flow.client.workflow.getHandle(processId).terminate('operator stopped it');
    const view = await processIn(sales1, processId, 'cancelled');
    expect(view.error.code).toBe('WORKFLOW_TERMINATED');
    expect(view.tasks.find((t: { id: string }) => t.id === task.id).status).toBe('cancelled');
    expect((await sales1.patch(`/api/records/quote/${recordId}`, { discountPercent: 11 })).status).toBe(200);
  }, 60_000);

  it('fails a run whose expression breaks at run time with a code, at once, instead of retrying', async () => {
    const sales1 = await stack.as('sales1');
    const recordId = await createRecord(sales1, 'expense', { title: 'Broken', amount: 5 });
    const processId = await startProcess(sales1, 'broken-expression', 'expense', recordId);
    const view = await processIn(sales1, processId, 'failed', 10_000);
    expect(view.error.code).toBe('EXPRESSION_FAILED');
    expect(view.error.message).toContain('vars.missing.limit');
    const described = await stack.flow.client.workflow.getHandle(processId).describe();
    expect(described.status.name).toBe('FAILED');
  }, 60_000);

  it('fails a user task run and closes its open task when the worker finds a configuration error (cancel covers tasks too)', async () => {
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const recordId = await createRecord(sales1, 'expense', { title: 'Hold', amount: 5 });
    const processId = await startProcess(sales1, 'hold', 'expense', recordId);
    const task = await openTaskOf(branchmgr, recordId, 'review');
    await sales1.post(`${processUrl(processId)}/cancel`, {});
    await eventually(async () => !(await branchmgr.get('/api/inbox')).body.items.some((t: { id: string }) => t.id === task.id), 5000);
    const completed = await branchmgr.post(`/api/tasks/${task.id}/complete`, {});
    expect(completed.status).toBe(409);
  }, 60_000);
});

describe('side effects are keyed by run, step and visit', () => {
  it('runs a loop body\'s set and notify on every pass, and notifies the requester\'s real manager', async () => {
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const recordId = await createRecord(sales1, 'expense', { title: 'Twice', amount: 5 });
    const processId = await startProcess(sales1, 'count-twice', 'expense', recordId);
    const view = await processIn(sales1, processId, 'completed');
    expect(view.outcome).toBe('counted');
    expect((await sales1.get(`/api/records/expense/${recordId}`)).body.data.receipts).toBe(2);
    const feed = await branchmgr.get('/api/notifications');
    expect(feed.body.items.filter((n: { title: string; link?: { recordId?: string } }) => n.title === 'Expense counted' && n.link?.recordId === recordId)).toHaveLength(2);
  }, 60_000);
});

describe('runs that start runs', () => {
  it('creates a record, runs a child process on it and waits for its outcome, starts another without waiting, and joins 2 of 3 branches', async () => {
    const sales1 = await stack.as('sales1');
    const recordId = await createRecord(sales1, 'expense', { title: 'Parent', amount: 21 });
    const processId = await startProcess(sales1, 'parent', 'expense', recordId);
    const copyId = await eventually(async () => (await sales1.get(processUrl(processId))).body.variables?.copy?.id as string | undefined, 10_000);
    // a record a run creates is the system's (no owner field here): the requester reaches it through the task the
    // child opens on it, which may not exist yet at this point, so it is read as admin
    expect((await (await stack.as('admin')).get(`/api/records/expense/${copyId}`)).body.data).toMatchObject({ title: 'Child of a parent', amount: 42 });
    const childTask = await openTaskOf(sales1, copyId, 'child-task');
    expect((await sales1.get(processUrl(processId))).body.status).toBe('running');
    expect((await sales1.post(`/api/tasks/${childTask.id}/complete`, { outcome: 'ok' })).status).toBe(200);
    const ended = await processIn(sales1, processId, 'completed', 15_000);
    expect(ended.outcome).toBe('parent-done');
    expect(ended.variables.child).toEqual({ processId: `child-review:expense:${copyId}`, outcome: 'reviewed' });
    expect(ended.variables.side).toEqual({ processId: `hold:expense:${copyId}` });
    const child = await processIn(sales1, `child-review:expense:${copyId}`, 'completed');
    expect(child.parentId).toBe(processId);
    expect((await sales1.get(processUrl(`hold:expense:${copyId}`))).body.status).toBe('running');
    const joined = ended.timeline.find((e: { step: string; event: string }) => e.step === 'two-of-three' && e.event === 'joined');
    expect(joined.detail).toEqual({ finished: [0, 1], cancelled: [2] });
  }, 60_000);
});

describe('the score action', () => {
  it('adds up a scorecard, grades it, keeps the explanation with the result, and branches on the grade', async () => {
    const sales1 = await stack.as('sales1');
    const recordId = await createRecord(sales1, 'expense', { title: 'Scored', amount: 1500, receipts: 3 });
    const ended = await processIn(sales1, await startProcess(sales1, 'score-it', 'expense', recordId), 'completed');
    expect(ended.outcome).toBe('top');
    expect(ended.variables.rating).toMatchObject({ total: 45, grade: 'A' });
    const data = (await sales1.get(`/api/records/expense/${recordId}`)).body.data;
    expect(data).toMatchObject({ score: 45, grade: 'A' });
    expect(data.scoreExplanation).toEqual([
      { id: 'large', counted: true, points: 30, weight: 0.5, weighted: 15 },
      { id: 'receipts', counted: true, points: 30, weight: 1, weighted: 30 },
      { id: 'noted', counted: false, points: 0, weight: 1, weighted: 0 },
    ]);
    const small = await createRecord(sales1, 'expense', { title: 'Small', amount: 10, note: 'n' });
    const plain = await processIn(sales1, await startProcess(sales1, 'score-it', 'expense', small), 'completed');
    expect([plain.outcome, plain.variables.rating.total, plain.variables.rating.grade]).toEqual(['ordinary', 5, 'C']);
  }, 60_000);
});
