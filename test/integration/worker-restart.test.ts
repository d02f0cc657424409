import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startStack, type Stack } from '../support/stack.js';
import { submitQuote, inboxTaskFor, statusOf } from '../support/quotes.js';
import { eventually } from '../support/http.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack?.stop();
});

/** The worker as its own OS process, as in production. */
function startWorkerProcess(): ChildProcess {
  // node itself, not the tsx wrapper: SIGKILL must hit the worker, not a parent that would leave it orphaned
  return spawn(`${root}/node_modules/.bin/node`, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: stack.temporalAddress, TEMPORAL_TASK_QUEUE: stack.taskQueue, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function waitUntilRunning(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('worker running') && resolve());
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('an open approval survives a worker crash', () => {
  it('completes after the worker is killed and started again', async () => {
    let worker = startWorkerProcess();
    await waitUntilRunning(worker);
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const { recordId } = await submitQuote(sales1, 15, 40_000);
    const task = await inboxTaskFor(branchmgr, recordId, 10_000);

    await kill(worker);
    worker = startWorkerProcess();
    await waitUntilRunning(worker);
    try {
      const res = await branchmgr.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, { outcome: 'approve', comment: 'after restart' });
      expect(res.status).toBe(200);
      await statusOf(sales1, recordId, 'approved', 10_000);
      const processId = `quote-approval:quote:${recordId}`;
      const ended = await eventually(async () => {
        const res = await sales1.get(`/api/processes/${encodeURIComponent(processId)}`);
        return res.body.status !== 'running' ? res.body : null;
      }, 10_000);
      expect([ended.status, ended.outcome]).toEqual(['completed', 'approved']);
    } finally {
      await kill(worker);
    }
  }, 120_000);
});
