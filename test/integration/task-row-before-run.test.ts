/**
 * A worker dies right after it wrote a task's row, before the workflow task that wrote it completed. The inbox shows
 * the task, but the run, replayed on the next worker, learns of it only once it reruns the step: an answer that
 * reaches the run first finds no such task. The API must not answer 404 for a task its row says is open; it asks
 * the run again until the run has caught up, so the answer lands once, as if nothing had happened.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { publishVariant } from '../support/config.js';
import { createRecord, expenseEntity, openTaskOf, processIn, startProcess } from '../support/processes.js';
import { startWorkerProcess, type Service, type ServiceEnv } from '../support/services.js';

let stack: Stack;
const workers: Service[] = [];
beforeAll(async () => {
  stack = await startStack({ worker: false });
  await publishVariant(stack, (bundle) => {
    bundle.entities.expense = expenseEntity;
    bundle.processes['receipts-after-pause'] = {
      entity: 'expense', trigger: { on: 'manual' }, steps: [
        { id: 'pause', type: 'wait', for: 'PT1S' },
        { id: 'receipts', type: 'task', title: { en: 'Upload your receipts' }, assignee: 'requester' },
        { id: 'end', type: 'end', outcome: 'done' },
      ],
    };
  });
});
afterAll(async () => {
  for (const worker of workers) worker.kill('SIGKILL');
  await stack?.stop();
});

describe('a task whose row was written by a worker that died before its workflow task completed', { timeout: 240_000 }, () => {
  it('takes the answer once the run on the next worker has caught up, not 404', async () => {
    const env: ServiceEnv = {
      databaseUrl: stack.databaseUrl, temporalAddress: stack.temporalAddress, taskQueue: stack.taskQueue, workflowBundlePath: inject('workflowBundlePath'),
    };
    const dying = await startWorkerProcess({ ...env, extra: { FLOWCRM_TEST_DIE_AFTER_TASK_STEP: 'receipts' } }, 'test/support/worker-dies-after-task-row.ts');
    workers.push(dying);
    const sales1 = await stack.as('sales1');
    const recordId = await createRecord(sales1, 'expense', { title: 'Taxi', amount: 40 });
    const processId = await startProcess(sales1, 'receipts-after-pause', 'expense', recordId);
    const task = await openTaskOf(sales1, recordId, 'receipts', 60_000);
    const exit = await dying.exited;
    expect(exit).not.toBe(0); // killed by itself, after the row committed

    // The answer is sent while no worker runs: Temporal holds it and hands it to the next worker's replay of the run.
    const answering = sales1.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, { outcome: 'complete' });
    workers.push(await startWorkerProcess(env));
    const answer = await answering;
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ id: task.id, status: 'completed', outcome: 'complete' });

    const run = await processIn(sales1, processId, undefined, 60_000);
    expect(run.status).toBe('completed');
    expect(run.outcome).toBe('done');
    const again = await sales1.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, { outcome: 'complete' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('TASK_ALREADY_DECIDED');
  });
});
