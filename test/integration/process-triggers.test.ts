import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { publishVariant } from '../support/config.js';
import { eventually } from '../support/http.js';
import { createRecord, expenseEntity } from '../support/processes.js';
import { scheduleIdOf } from '../../engine/api/services/schedules.js';

let stack: Stack;
const hold = (id: string) => [{ id, type: 'task', title: { en: id }, assignee: { managerOf: 'requester' } }, { id: 'end', type: 'end' }];

beforeAll(async () => {
  stack = await startStack();
  await publishVariant(stack, (bundle) => {
    bundle.entities.expense = expenseEntity;
    Object.assign(bundle.processes, {
      'big-expense-check': { entity: 'expense', trigger: { on: 'create', when: 'record.amount > 100.0' }, steps: hold('check') },
      'on-submit': { entity: 'expense', trigger: { on: 'update', when: "has(record.status) && record.status == 'submitted' && (!has(previous.status) || previous.status != 'submitted')" }, steps: hold('review') },
      'complaint-intake': { entity: 'expense', trigger: { on: 'event', event: 'complaint_received' }, steps: hold('intake') },
      'qualified-follow-up': { entity: 'opportunity', trigger: { on: 'stage', pipeline: 'opportunity-sales', stage: 'qualified' }, steps: hold('follow-up') },
      'monthly-review': { entity: 'expense', trigger: { on: 'schedule', cron: '0 9 1 * *', filter: 'record.amount > 1000.0' }, steps: hold('monthly') },
    });
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const runsOf = async (recordId: string) => {
  const admin = await stack.as('admin');
  return (await admin.get(`/api/processes?recordId=${recordId}`)).body.items.map((p: { process: string }) => p.process).sort();
};

describe('process triggers', () => {
  it('starts on create when the condition holds, and not otherwise', async () => {
    const sales1 = await stack.as('sales1');
    const big = await createRecord(sales1, 'expense', { title: 'Big', amount: 500 });
    const small = await createRecord(sales1, 'expense', { title: 'Small', amount: 50 });
    expect(await runsOf(big)).toEqual(['big-expense-check']);
    expect(await runsOf(small)).toEqual([]);
    const run = (await (await stack.as('admin')).get(`/api/processes?recordId=${big}`)).body.items[0];
    expect(run.startedBy).toBe('sales1');
  });

  it('starts on update with a condition over record and previous, once per business key', async () => {
    const sales1 = await stack.as('sales1');
    const recordId = await createRecord(sales1, 'expense', { title: 'Later', amount: 20 });
    await sales1.patch(`/api/records/expense/${recordId}`, { note: 'draft' });
    expect(await runsOf(recordId)).toEqual([]);
    await sales1.patch(`/api/records/expense/${recordId}`, { status: 'submitted' });
    expect(await runsOf(recordId)).toEqual(['on-submit']);
    await sales1.patch(`/api/records/expense/${recordId}`, { note: 'still submitted' });
    expect(await runsOf(recordId)).toEqual(['on-submit']);
  });

  it('starts on a business event nobody is waiting for, and refuses an event nothing handles', async () => {
    const sales1 = await stack.as('sales1');
    const recordId = await createRecord(sales1, 'expense', { title: 'Complained', amount: 20 });
    const res = await sales1.post('/api/events/complaint_received', { entity: 'expense', recordId, payload: { text: 'late' } });
    expect(res.status).toBe(202);
    expect(res.body.started).toEqual([`complaint-intake:expense:${recordId}`]);
    const none = await sales1.post('/api/events/unheard_of', { entity: 'expense', recordId });
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('EVENT_NOT_AWAITED');
  });

  it('starts when a record enters the stage its trigger names, through the stage API', async () => {
    const sales1 = await stack.as('sales1');
    const customer = await createRecord(sales1, 'customer', { name: 'Stage trigger customer' });
    const recordId = await createRecord(sales1, 'opportunity', { name: 'Chillers for the new plant', customer, owner: 'sales1', intention: true });
    expect(await runsOf(recordId)).toEqual([]);
    const moved = await sales1.post(`/api/records/opportunity/${recordId}/stage`, { to: 'qualified' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(await runsOf(recordId)).toEqual(['qualified-follow-up']);
  });

  it('keeps a Temporal Schedule per scheduled process; a firing starts runs on the records its filter selects', async () => {
    const sales1 = await stack.as('sales1');
    const large = await createRecord(sales1, 'expense', { title: 'Large', amount: 5000 });
    const modest = await createRecord(sales1, 'expense', { title: 'Modest', amount: 10 });
    const handle = stack.flow.client.schedule.getHandle(scheduleIdOf(stack.app.deps, 'monthly-review'));
    const description = await handle.describe();
    expect(description.spec.calendars?.length).toBeGreaterThan(0);
    await handle.trigger();
    await eventually(async () => (await runsOf(large)).includes('monthly-review'), 15_000);
    expect(await runsOf(modest)).not.toContain('monthly-review');

    await publishVariant(stack, (bundle) => { delete bundle.processes['monthly-review']; });
    await expect(handle.describe()).rejects.toThrow();
  }, 60_000);
});
