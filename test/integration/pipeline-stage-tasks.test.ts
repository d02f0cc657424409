import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { eventually, type HttpClient } from '../support/http.js';
import { customerAndQuote, readyForQuote } from '../support/opportunities.js';
import { publishVariant } from '../support/config.js';

interface InboxItem { id: string; kind: string; title: string; process: string; processId: string; recordId: string; assignee: string | null; dueAt: string | null }

let stack: Stack;
let sales1: HttpClient;
let refs: { customer: string; quote: string };
beforeAll(async () => {
  stack = await startStack();
  sales1 = await stack.as('sales1');
  refs = await customerAndQuote(sales1);
});
afterAll(async () => {
  await stack?.stop();
});

const PROCESS = 'stage-task.opportunity-sales.quote';
const tasksOf = async (client: HttpClient, recordId: string): Promise<InboxItem[]> =>
  ((await client.get('/api/inbox')).body.items as InboxItem[]).filter((t) => t.recordId === recordId && t.process === PROCESS);
const oneTask = (client: HttpClient, recordId: string) => eventually(async () => {
  const tasks = await tasksOf(client, recordId);
  return tasks.length ? tasks : null;
}, 15_000);

async function moveToQuote(id: string): Promise<void> {
  for (const to of ['qualified', 'needs-confirmed', 'quote']) {
    const moved = await sales1.post(`/api/records/opportunity/${id}/stage`, { to, data: readyForQuote(refs, 1000) });
    expect(moved.status).toBe(200);
  }
}

/** The run of a stage task ends once its task is completed; the task leaves the inbox. */
async function completeAndSeeEnd(task: InboxItem, process = PROCESS): Promise<void> {
  const done = await sales1.post(`/api/tasks/${task.id}/complete`, {});
  expect(done.status).toBe(200);
  expect(done.body).toMatchObject({ id: task.id, status: 'completed', outcome: 'complete' });
  const run = await eventually(async () => {
    const res = await sales1.get(`/api/processes/${encodeURIComponent(task.processId)}`);
    return res.status === 200 && res.body.status === 'completed' ? res.body : null;
  }, 15_000);
  expect(run).toMatchObject({ process, entity: 'opportunity' });
  expect((await sales1.get(`/api/tasks/${task.id}`)).body).toMatchObject({ status: 'completed', decidedBy: 'sales1' });
}

describe('onEnter.createTask (starter pack: entering quote)', () => {
  it('a stage API move creates one task for the owner, due on the business calendar; completing it ends its run', async () => {
    const id = (await sales1.post('/api/records/opportunity', { name: 'Task deal' })).body.id;
    await moveToQuote(id);
    const [task, ...others] = await oneTask(sales1, id);
    expect(others).toEqual([]);
    expect(task).toMatchObject({ kind: 'task', title: 'Present the approved quote to the customer', assignee: 'sales1' });
    const stay = (await sales1.get(`/api/records/opportunity/${id}/stages`)).body.items.at(-1);
    expect(stay.stage).toBe('quote');
    expect(task.processId).toMatch(new RegExp(`^${PROCESS}:opportunity:${id}:[0-9a-f-]{36}$`));
    expect(Date.parse(task.dueAt!)).toBeGreaterThan(Date.parse(stay.enteredAt) + 16 * 3_600_000); // 16 working hours span nights
    await completeAndSeeEnd(task);
    expect(await tasksOf(sales1, id)).toEqual([]);
  });

  it('moving back and re-entering the stage creates a second task (one per stay); a repeated request for the same stay does not', async () => {
    const id = (await sales1.post('/api/records/opportunity', { name: 'Re-entry deal' })).body.id;
    await moveToQuote(id);
    const [first] = await oneTask(sales1, id);
    // the same target again is no move: no new stay, no new task
    expect((await sales1.post(`/api/records/opportunity/${id}/stage`, { to: 'quote' })).status).toBe(200);
    expect((await sales1.post(`/api/records/opportunity/${id}/stage`, { to: 'needs-confirmed' })).status).toBe(200);
    expect((await sales1.post(`/api/records/opportunity/${id}/stage`, { to: 'quote' })).status).toBe(200);
    const both = await eventually(async () => {
      const tasks = await tasksOf(sales1, id);
      return tasks.length === 2 ? tasks : null;
    }, 15_000);
    expect(new Set(both.map((t) => t.processId)).size).toBe(2);
    expect(both.map((t) => t.id)).toContain(first.id);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await tasksOf(sales1, id)).toHaveLength(2);
  });

  it('a CSV import into a stage with a task creates it once for the imported owner, and it completes', async () => {
    // a create may start in the first or second stage: the variant gives "qualified" a task for the imported owner
    await publishVariant(stack, (bundle) => {
      bundle.pipelines['opportunity-sales'].stages[1].onEnter = { createTask: { title: { en: 'Call the customer', zh: '致电客户' }, assignee: { field: 'owner' } } };
    });
    const csv = 'name,stage,customer,owner,intention\r\n'
      + `Imported deal,qualified,${refs.customer},sales1,true\r\nImported lead,lead,${refs.customer},sales1,true\r\n`;
    const res = await fetch(`${stack.url}/api/records/opportunity/import`, {
      method: 'POST', body: csv, headers: { 'content-type': 'text/csv', authorization: `Bearer ${sales1.token}` },
    }).then(async (r) => ({ status: r.status, body: await r.json() as Record<string, unknown> }));
    expect(res).toMatchObject({ status: 200, body: { imported: 2, failed: 0 } });
    const byName = async (name: string) => (await sales1.get(`/api/records/opportunity?filter=${encodeURIComponent(`record.name == "${name}"`)}`)).body.items[0];
    const imported = await byName('Imported deal');
    expect(imported.data.stage).toBe('qualified');
    const qualifiedTasks = async (recordId: string) => ((await sales1.get('/api/inbox')).body.items as InboxItem[])
      .filter((t) => t.recordId === recordId && t.process === 'stage-task.opportunity-sales.qualified');
    const [task, ...others] = await eventually(async () => {
      const tasks = await qualifiedTasks(imported.id);
      return tasks.length ? tasks : null;
    }, 15_000);
    expect(others).toEqual([]);
    expect(task).toMatchObject({ kind: 'task', title: 'Call the customer', assignee: 'sales1', dueAt: null });
    expect(await qualifiedTasks((await byName('Imported lead')).id)).toEqual([]);
    await completeAndSeeEnd(task, 'stage-task.opportunity-sales.qualified');
    expect(await qualifiedTasks(imported.id)).toEqual([]);
  });
});
