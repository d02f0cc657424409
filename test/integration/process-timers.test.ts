import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Stack } from '../support/stack-core.js';
import { startTimeSkippingStack, day } from '../support/time-skipping.js';
import { publishVariant } from '../support/config.js';
import { eventually } from '../support/http.js';
import { createRecord, expenseEntity, openTaskOf, processIn, processUrl, startProcess } from '../support/processes.js';


let env: TestWorkflowEnvironment;
let stack: Stack;

const processes = {
  'remind-before-due': {
    entity: 'expense', steps: [
      { id: 'until-week-before', type: 'wait', until: 'timestamp(record.dueDate + "T00:00:00Z") - duration("168h")' },
      { id: 'remind', type: 'action', action: 'set', set: { status: 'reminded' } },
      { id: 'end', type: 'end' },
    ],
  },
  'await-feedback': {
    entity: 'expense', steps: [
      { id: 'feedback', type: 'event', event: 'customer_feedback', timeout: 'P2D', onTimeout: 'chase' },
      { id: 'thanks', type: 'action', action: 'set', set: { status: 'feedback', note: { expr: 'vars.feedback.comment' } }, next: 'end' },
      { id: 'chase', type: 'action', action: 'set', set: { status: 'chased' } },
      { id: 'end', type: 'end' },
    ],
  },
  'dunning-ladder': {
    entity: 'expense', steps: [
      { id: 'ladder', type: 'loop', max: 10, boundary: [{ event: 'payment_received', goto: 'paid' }], steps: [
        { id: 'day', type: 'wait', for: 'P1D' },
        { id: 'rung', type: 'action', action: 'set', set: { receipts: { expr: 'has(record.receipts) ? record.receipts + 1.0 : 1.0' } } },
      ] },
      { id: 'unpaid', type: 'end', outcome: 'unpaid' },
      { id: 'paid', type: 'action', action: 'set', set: { status: 'paid' } },
      { id: 'end', type: 'end', outcome: 'paid' },
    ],
  },
  'first-answer': {
    entity: 'expense', steps: [
      { id: 'ask-both', type: 'parallel', join: 'any', branches: [
        [{ id: 'manager-look', type: 'task', title: { en: 'Manager look' }, assignee: { managerOf: 'requester' } }],
        [{ id: 'finance-look', type: 'task', title: { en: 'Finance look' }, candidates: { role: 'finance' } }],
      ] },
      { id: 'done', type: 'action', action: 'set', set: { status: 'looked-at' } },
      { id: 'end', type: 'end' },
    ],
  },
  'task-deadline': {
    entity: 'expense', steps: [
      { id: 'sign', type: 'task', title: { en: 'Sign' }, assignee: 'requester', boundary: [{ after: 'P1D', goto: 'expired' }] },
      { id: 'signed', type: 'end', outcome: 'signed' },
      { id: 'expired', type: 'end', outcome: 'expired' },
    ],
  },
  'hvac-visit': {
    entity: 'expense', steps: [
      { id: 'visit', type: 'task', title: { en: 'HVAC visit' }, rule: { role: 'technician', skill: 'hvac', pick: 'leastLoad' }, accept: { within: 'PT1H' } },
      { id: 'end', type: 'end' },
    ],
  },
  'busy-work': {
    entity: 'expense', steps: [{ id: 'chore', type: 'task', title: { en: 'Chore' }, assignee: { field: 'note' } }, { id: 'end', type: 'end' }],
  },
  'long-loop': {
    entity: 'expense', variables: { total: { type: 'number', default: 0 } }, steps: [
      { id: 'rounds', type: 'loop', max: 8, steps: [
        { id: 'confirm', type: 'task', title: { en: 'Confirm a round' }, assignee: 'requester', form: { schema: { type: 'object', properties: { n: { type: 'integer' } } } } },
        { id: 'count', type: 'action', action: 'set', set: { receipts: { expr: 'double(vars.rounds.pass)' } } },
      ] },
      { id: 'end', type: 'end', outcome: 'done' },
    ],
  },
};

let stopAll: () => Promise<void>;

beforeAll(async () => {
  ({ env, stack, stop: stopAll } = await startTimeSkippingStack({ processHistoryLimit: 60 }));
  await publishVariant(stack, (bundle) => {
    bundle.entities.expense = expenseEntity;
    Object.assign(bundle.processes, processes);
  });
}, 120_000);

afterAll(async () => {
  await stopAll?.();
});

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const recordOf = async (recordId: string) => (await (await stack.as('sales1')).get(`/api/records/expense/${recordId}`)).body;

describe('process timers and events on the time-skipping server', () => {
  it('waits until a date field minus 7 days, and follows the field when it moves', async () => {
    const sales1 = await stack.as('sales1');
    const start = await env.currentTimeMs();
    const recordId = await createRecord(sales1, 'expense', { title: 'Invoice', amount: 10, dueDate: isoDate(start + 30 * day) });
    const processId = await startProcess(sales1, 'remind-before-due', 'expense', recordId);
    await eventually(async () => (await sales1.get(processUrl(processId))).body.currentSteps?.includes('until-week-before'), 5000);
    await env.sleep(20 * day);
    expect((await recordOf(recordId)).data.status).toBeUndefined();

    const moved = await sales1.patch(`/api/records/expense/${recordId}`, { dueDate: isoDate(start + 40 * day) });
    expect(moved.status).toBe(200);
    await eventually(async () => (await sales1.get(processUrl(processId))).body.timeline.some((e: { event: string }) => e.event === 're-armed'), 5000);
    await env.sleep(5 * day); // day 25: past the old deadline (day 23), before the new one (day 33)
    expect((await recordOf(recordId)).data.status).toBeUndefined();
    expect((await sales1.get(processUrl(processId))).body.status).toBe('running');

    await env.sleep(10 * day);
    const ended = await processIn(sales1, processId, 'completed');
    expect((await recordOf(recordId)).data.status).toBe('reminded');
    const fired = ended.timeline.find((e: { event: string }) => e.event === 'timer-fired');
    expect(fired.detail.until).toBe(new Date(Date.parse(`${isoDate(start + 40 * day)}T00:00:00Z`) - 7 * day).toISOString());
  }, 120_000);

  it('takes a business event before its timeout, and chases when the timeout passes first', async () => {
    const sales1 = await stack.as('sales1');
    const answered = await createRecord(sales1, 'expense', { title: 'Answered', amount: 1 });
    const a = await startProcess(sales1, 'await-feedback', 'expense', answered);
    await eventually(async () => (await sales1.get(processUrl(a))).body.listening?.includes('customer_feedback'), 5000);
    expect((await sales1.post(`${processUrl(a)}/events/something_else`, {})).status).toBe(404);
    const delivered = await sales1.post('/api/events/customer_feedback', { entity: 'expense', recordId: answered, payload: { comment: 'all good' } });
    expect(delivered.status).toBe(202);
    expect(delivered.body.delivered).toEqual([a]);
    await processIn(sales1, a, 'completed');
    expect((await recordOf(answered)).data).toMatchObject({ status: 'feedback', note: 'all good' });
    const late = await sales1.post('/api/events/customer_feedback', { entity: 'expense', recordId: answered, payload: {} });
    expect(late.status).toBe(404);
    expect(late.body.error.code).toBe('EVENT_NOT_AWAITED');

    const silent = await createRecord(sales1, 'expense', { title: 'Silent', amount: 1 });
    const b = await startProcess(sales1, 'await-feedback', 'expense', silent);
    await eventually(async () => (await sales1.get(processUrl(b))).body.listening?.includes('customer_feedback'), 5000);
    await env.sleep(2 * day - 60_000);
    expect((await sales1.get(processUrl(b))).body.status).toBe('running');
    await env.sleep(2 * 60_000);
    await processIn(sales1, b, 'completed');
    expect((await recordOf(silent)).data.status).toBe('chased');
  }, 120_000);

  it('stops a running loop with a boundary event: no further rungs', async () => {
    const sales1 = await stack.as('sales1');
    const recordId = await createRecord(sales1, 'expense', { title: 'Owed', amount: 500 });
    const processId = await startProcess(sales1, 'dunning-ladder', 'expense', recordId);
    await eventually(async () => (await sales1.get(processUrl(processId))).body.listening?.includes('payment_received'), 5000);
    await env.sleep(2 * day + 3_600_000);
    await eventually(async () => (await recordOf(recordId)).data.receipts === 2, 5000);
    expect((await sales1.post(`${processUrl(processId)}/events/payment_received`, { amount: 500 })).status).toBe(202);
    const ended = await processIn(sales1, processId, 'completed');
    expect(ended.outcome).toBe('paid');
    await env.sleep(5 * day);
    expect((await recordOf(recordId)).data).toMatchObject({ receipts: 2, status: 'paid' });
    expect(ended.timeline.filter((e: { step: string; event: string }) => e.step === 'ladder' && e.event === 'interrupted')).toHaveLength(1);
  }, 120_000);

  it('joins a parallel step on the first answer and cancels the other branch\'s task', async () => {
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const finance = await stack.as('finance');
    const recordId = await createRecord(sales1, 'expense', { title: 'Either', amount: 5 });
    const processId = await startProcess(sales1, 'first-answer', 'expense', recordId);
    const mine = await openTaskOf(branchmgr, recordId, 'manager-look');
    const theirs = await openTaskOf(finance, recordId, 'finance-look');
    expect((await sales1.get(processUrl(processId))).body.currentSteps.sort()).toEqual(['ask-both', 'finance-look', 'manager-look']);
    expect((await branchmgr.post(`/api/tasks/${mine.id}/complete`, {})).status).toBe(200);
    const ended = await processIn(sales1, processId, 'completed');
    expect(ended.tasks.map((t: { step: string; status: string }) => [t.step, t.status]).sort()).toEqual([['finance-look', 'cancelled'], ['manager-look', 'completed']]);
    expect((await finance.get('/api/inbox')).body.items.map((t: { id: string }) => t.id)).not.toContain(theirs.id);
    expect((await finance.post(`/api/tasks/${theirs.id}/complete`, {})).status).toBe(409);
    expect((await recordOf(recordId)).data.status).toBe('looked-at');
  }, 120_000);

  it('interrupts a task with a boundary timer after a day', async () => {
    const sales1 = await stack.as('sales1');
    const recordId = await createRecord(sales1, 'expense', { title: 'Sign it', amount: 5 });
    const processId = await startProcess(sales1, 'task-deadline', 'expense', recordId);
    const task = await openTaskOf(sales1, recordId, 'sign');
    await env.sleep(day + 60_000);
    const ended = await processIn(sales1, processId, 'completed');
    expect(ended.outcome).toBe('expired');
    expect(ended.tasks.find((t: { id: string }) => t.id === task.id).status).toBe('cancelled');
  }, 120_000);

  it('continues a long loop as new with its tasks, variables and counters intact', async () => {
    const sales1 = await stack.as('sales1');
    const recordId = await createRecord(sales1, 'expense', { title: 'Rounds', amount: 5 });
    const processId = await startProcess(sales1, 'long-loop', 'expense', recordId);
    const seen = new Set<string>();
    for (let round = 1; round <= 8; round++) {
      const task = await eventually(async () => {
        const t = await openTaskOf(sales1, recordId, 'confirm', 10_000);
        return seen.has(t.id) ? null : t;
      }, 10_000);
      seen.add(task.id);
      expect((await sales1.post(`/api/tasks/${task.id}/complete`, { data: { n: round } })).status).toBe(200);
      await eventually(async () => (await recordOf(recordId)).data.receipts === round, 10_000);
    }
    const ended = await processIn(sales1, processId, 'completed');
    expect(ended.outcome).toBe('done');
    expect(ended.variables).toMatchObject({ total: 0, rounds: { pass: 8 }, confirm: { data: { n: 8 } } });
    expect(ended.timeline.filter((e: { event: string }) => e.event === 'continued-as-new').length).toBeGreaterThanOrEqual(1);
    expect(ended.timeline.filter((e: { step: string; event: string }) => e.step === 'confirm' && e.event === 'task-completed')).toHaveLength(8);
    const history = await stack.flow.client.workflow.getHandle(processId).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(started?.continuedExecutionRunId).toBeTruthy(); // the last run was continued from an earlier one
    expect(history.events!.length).toBeLessThan(200);
  }, 180_000);
});

describe('skill-based assignment with acceptance', () => {
  it('gives the task to the least-loaded technician with the skill, and to the next one when it is not accepted in time', async () => {
    await stack.orm.em.fork().getConnection().execute(
      `insert into users (username, display_name, roles, manager, password_hash, attributes, active, created_at)
       select 'tech3', 'Tech Three', '["technician"]'::jsonb, 'dispatcher', password_hash, '{"skills": ["hvac"]}'::jsonb, true, now() from users where username = 'tech1'`);
    const sales1 = await stack.as('sales1');
    for (const [tech, count] of [['tech1', 3], ['tech3', 1]] as const) {
      for (let i = 0; i < count; i++) {
        const recordId = await createRecord(sales1, 'expense', { title: `chore ${tech} ${i}`, amount: 1, note: tech });
        await startProcess(sales1, 'busy-work', 'expense', recordId);
        await openTaskOf(await stack.as(tech), recordId, 'chore');
      }
    }
    const recordId = await createRecord(sales1, 'expense', { title: 'Cold office', amount: 1 });
    const processId = await startProcess(sales1, 'hvac-visit', 'expense', recordId);
    const first = await openTaskOf(await stack.as('tech3'), recordId, 'visit');
    expect(first).toMatchObject({ assignee: 'tech3', candidates: ['tech3'] });
    expect((await (await stack.as('tech2')).get('/api/inbox')).body.items.some((t: { recordId: string }) => t.recordId === recordId)).toBe(false);

    await env.sleep(3_600_000 + 60_000);
    const tech1 = await stack.as('tech1');
    const moved = await openTaskOf(tech1, recordId, 'visit');
    expect(moved).toMatchObject({ id: first.id, assignee: 'tech1' });
    expect((await (await stack.as('tech3')).post(`/api/tasks/${first.id}/complete`, {})).status).toBe(403);
    const claimed = await tech1.post(`/api/tasks/${first.id}/claim`, {});
    expect(claimed.status).toBe(200);
    expect(claimed.body.status).toBe('claimed');
    await env.sleep(5 * 3_600_000);
    expect((await openTaskOf(tech1, recordId, 'visit')).assignee).toBe('tech1');
    expect((await tech1.post(`/api/tasks/${first.id}/complete`, {})).status).toBe(200);
    const ended = await processIn(sales1, processId, 'completed');
    expect(ended.timeline.filter((e: { event: string }) => e.event === 'reassigned')).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ from: ['tech3'], to: 'tech1', reason: 'not accepted in time' }) }),
    ]);
  }, 120_000);
});
