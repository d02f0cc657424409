import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { eventually } from '../support/http.js';
import { createRecord, expenseEntity, openTaskOf, processIn, processUrl, startProcess } from '../support/processes.js';

let stack: Stack;

/** An expense request nobody coded: manager approval, a receipts task for the requester, a finance check above 1,000. */
const expenseBundle = (bundle: any) => {
  bundle.entities.expense = expenseEntity;
  bundle.approvalChains['expense-manager'] = {
    entity: 'expense', steps: [{ id: 'manager', approvers: { managerOf: 'requester' } }],
    onSubmit: { set: { status: 'pending' } }, onApproved: { set: { status: 'approved' } }, onRejected: { set: { status: 'rejected' } },
  };
  bundle.processes['expense-request'] = {
    entity: 'expense', trigger: { on: 'manual' },
    steps: [
      { id: 'approve', type: 'approval', chain: 'expense-manager' },
      { id: 'is-approved', type: 'decision', branches: [{ when: "vars.outcome == 'approved'", goto: 'receipts' }], otherwise: 'refused' },
      {
        id: 'receipts', type: 'task', title: { en: 'Upload your receipts', zh: '上传票据' }, assignee: 'requester',
        form: { schema: { type: 'object', required: ['receiptCount'], properties: { receiptCount: { type: 'integer', minimum: 1 }, note: { type: 'string', maxLength: 100 } } } },
        outputs: { receipts: 'form.receiptCount' }, due: 'P3D',
      },
      { id: 'is-big', type: 'decision', branches: [{ when: 'record.amount > 1000.0', goto: 'finance-check' }], otherwise: 'paid' },
      { id: 'finance-check', type: 'task', title: { en: 'Check the expense' }, candidates: { role: 'finance' }, outcomes: ['accept', 'refuse'] },
      { id: 'finance-ok', type: 'decision', branches: [{ when: "vars['finance-check'].outcome == 'accept'", goto: 'paid' }], otherwise: 'refused' },
      { id: 'paid', type: 'action', action: 'set', set: { status: 'paid', note: { expr: "'receipts: ' + string(vars.receipts.data.receiptCount)" } } },
      { id: 'end-paid', type: 'end', outcome: 'paid' },
      { id: 'refused', type: 'end', outcome: 'refused' },
    ],
  };
};

beforeAll(async () => {
  stack = await startStack();
  const admin = await stack.as('admin');
  const { body: config } = await admin.get('/api/config');
  const { version: _v, hash: _h, ...bundle } = config;
  expenseBundle(bundle);
  const published = await admin.post('/api/config/publish', bundle);
  expect(published.status, JSON.stringify(published.body)).toBe(201);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('a process written only as configuration runs through HTTP alone', () => {
  it('goes manager approval -> receipts form -> finance check -> paid, with invalid form data refused at the field', async () => {
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const finance = await stack.as('finance');
    const recordId = await createRecord(sales1, 'expense', { title: 'Trade fair travel', amount: 2400 });
    const processId = await startProcess(sales1, 'expense-request', 'expense', recordId);

    const approval = await openTaskOf(branchmgr, recordId, 'manager');
    expect((await branchmgr.post(`/api/tasks/${approval.id}/complete`, { outcome: 'approve' })).status).toBe(200);

    const receipts = await openTaskOf(sales1, recordId, 'receipts');
    expect(receipts).toMatchObject({ kind: 'task', assignee: 'sales1', candidates: ['sales1'] });
    const detail = await sales1.get(`/api/tasks/${receipts.id}`);
    expect(detail.body.formSchema.required).toEqual(['receiptCount']);
    expect(detail.body.outcomes).toEqual(['complete']);
    expect(Date.parse(detail.body.dueAt) - Date.parse(detail.body.createdAt)).toBe(3 * 86_400_000);

    const invalid = await sales1.post(`/api/tasks/${receipts.id}/complete`, { data: { receiptCount: 0, note: 'x'.repeat(101) } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.code).toBe('VALIDATION_FAILED');
    expect(invalid.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['/data/note', '/data/receiptCount']);
    const missing = await sales1.post(`/api/tasks/${receipts.id}/complete`, { data: {} });
    expect(missing.body.error.details).toEqual([expect.objectContaining({ path: '/data/receiptCount' })]);
    expect((await branchmgr.post(`/api/tasks/${receipts.id}/complete`, { data: { receiptCount: 3 } })).status).toBe(403);

    expect((await sales1.post(`/api/tasks/${receipts.id}/complete`, { data: { receiptCount: 3 } })).status).toBe(200);
    expect((await sales1.post(`/api/tasks/${receipts.id}/complete`, { data: { receiptCount: 3 } })).status).toBe(409);
    await eventually(async () => (await sales1.get(`/api/records/expense/${recordId}`)).body.data.receipts === 3, 5000);

    const check = await openTaskOf(finance, recordId, 'finance-check');
    expect(check.candidates).toEqual(['finance']);
    const wrong = await finance.post(`/api/tasks/${check.id}/complete`, { outcome: 'approve' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details[0].path).toBe('/outcome');
    expect((await finance.post(`/api/tasks/${check.id}/complete`, { outcome: 'accept' })).status).toBe(200);

    const ended = await processIn(sales1, processId, 'completed');
    expect(ended.outcome).toBe('paid');
    expect(ended.variables['finance-check']).toMatchObject({ outcome: 'accept', actor: 'finance' });
    expect(ended.variables.receipts).toMatchObject({ outcome: 'complete', data: { receiptCount: 3 }, actor: 'sales1' });
    const record = (await sales1.get(`/api/records/expense/${recordId}`)).body.data;
    expect(record).toMatchObject({ status: 'paid', receipts: 3, note: 'receipts: 3' });
    expect(ended.tasks.map((t: { step: string; status: string }) => [t.step, t.status])).toEqual([
      ['manager', 'completed'], ['receipts', 'completed'], ['finance-check', 'completed'],
    ]);
    expect(ended.timeline.map((e: { step: string; event: string }) => `${e.step}:${e.event}`)).toEqual(expect.arrayContaining([
      'receipts:task-opened', 'receipts:task-completed', 'finance-check:task-completed', 'end-paid:end',
    ]));
  }, 60_000);

  it('skips the finance check at or below 1,000', async () => {
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const recordId = await createRecord(sales1, 'expense', { title: 'Taxi', amount: 80 });
    const processId = await startProcess(sales1, 'expense-request', 'expense', recordId);
    await branchmgr.post(`/api/tasks/${(await openTaskOf(branchmgr, recordId, 'manager')).id}/complete`, { outcome: 'approve' });
    await sales1.post(`/api/tasks/${(await openTaskOf(sales1, recordId, 'receipts')).id}/complete`, { data: { receiptCount: 1 } });
    const ended = await processIn(sales1, processId, 'completed');
    expect(ended.outcome).toBe('paid');
    expect(ended.tasks.map((t: { step: string }) => t.step)).toEqual(['manager', 'receipts']);
  }, 60_000);

  it('lets only the requester, a task holder or an admin read the run', async () => {
    const sales1 = await stack.as('sales1');
    const recordId = await createRecord(sales1, 'expense', { title: 'Lunch', amount: 20 });
    const processId = await startProcess(sales1, 'expense-request', 'expense', recordId);
    await openTaskOf(await stack.as('branchmgr'), recordId, 'manager');
    expect((await (await stack.as('branchmgr')).get(processUrl(processId))).status).toBe(200);
    expect((await (await stack.as('admin')).get(processUrl(processId))).status).toBe(200);
    expect((await (await stack.as('sales2')).get(processUrl(processId))).status).toBe(403);
    const listed = await (await stack.as('sales2')).get(`/api/processes?recordId=${recordId}`);
    expect(listed.body.items).toEqual([]);
    const own = await sales1.get(`/api/processes?recordId=${recordId}`);
    expect(own.body.items.map((p: { id: string }) => p.id)).toEqual([processId]);
  }, 60_000);
});
