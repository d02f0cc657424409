import { fileURLToPath } from 'node:url';
import { writeFileSync, mkdirSync } from 'node:fs';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { startTemporalDevServer } from '../../scripts/lib/temporal-cli.js';
import { getFreePort } from '../../scripts/lib/ports.js';
import { workflowsPath } from '../../worker/main.js';
import { startStackWith, type Stack, type StackOptions } from '../../test/support/stack-core.js';
import { publishVariant } from '../../test/support/config.js';
import { expenseEntity } from '../../test/support/processes.js';

export const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error };

export async function until<T>(probe: () => Promise<T | undefined>, pollMs: number): Promise<T> {
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * A dev server, the real workflow bundle and a flowcrm stack with the `bench-start` process (one task for the
 * requester's manager, then the end) published; `stop()` ends all of it.
 */
export async function startBenchStack(options: Partial<StackOptions> = {}): Promise<{ stack: Stack; address: string; stop(): Promise<void> }> {
  const server = await startTemporalDevServer({ port: await getFreePort(), headless: true, timeoutSec: 60 });
  const dir = fileURLToPath(new URL('../../data/bench', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const bundlePath = `${dir}/workflow-bundle.js`;
  writeFileSync(bundlePath, (await bundleWorkflowCode({ workflowsPath, logger: quiet })).code);
  const stack = await startStackWith({ temporalAddress: server.address, workflowBundlePath: bundlePath, ...options });
  await publishVariant(stack, (bundle) => {
    bundle.entities.expense = expenseEntity;
    bundle.processes['bench-start'] = { entity: 'expense', steps: [{ id: 'review', type: 'task', title: { en: 'Review' }, assignee: { managerOf: 'requester' } }, { id: 'end', type: 'end' }] };
  });
  return { stack, address: server.address, async stop() { await stack.stop(); await server.stop(); } };
}

/** The baseline worker: `bareTaskWorkflow` writes the same task row to the same PostgreSQL with one local activity. */
export async function bareTaskWorker(address: string, stack: Stack): Promise<{ worker: Worker; taskQueue: string; close(): Promise<void> }> {
  const taskQueue = `${stack.taskQueue}-baseline`;
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection, taskQueue, namespace: 'default',
    workflowsPath: fileURLToPath(new URL('../workflows/bare-task.ts', import.meta.url)), bundlerOptions: { logger: quiet } as never,
    activities: {
      async writeTask({ id, recordId, assignee }: { id: string; recordId: string; assignee: string }) {
        await stack.orm.em.fork().getConnection().execute(
          `insert into tasks (id, kind, title, workflow_id, process_id, process, entity, record_id, step_id, requester, assignee, candidates, status, routing, created_at)
           values (?, 'task', 'Review', ?, ?, 'bare', 'expense', ?, 'review', 'sales1', ?, ?::jsonb, 'open', '[]'::jsonb, now()) on conflict (id) do nothing`,
          [id, id, id, recordId, assignee, JSON.stringify([assignee])]);
      },
    },
  });
  return { worker, taskQueue, close: () => connection.close() };
}
