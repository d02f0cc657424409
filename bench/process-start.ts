/**
 * Process start -> the first task visible in the assignee's inbox (POST /api/processes, then GET /api/inbox), against
 * a bare Temporal client + worker on the same server whose workflow writes the same task row to the same PostgreSQL
 * with one local activity (start, then poll the row). Run: npx tsx bench/process-start.ts [N]
 */
import { fileURLToPath } from 'node:url';
import { writeFileSync, mkdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { startTemporalDevServer } from '../scripts/lib/temporal-cli.js';
import { getFreePort } from '../scripts/lib/ports.js';
import { workflowsPath } from '../worker/main.js';
import { startStackWith, type Stack } from '../test/support/stack-core.js';
import { publishVariant } from '../test/support/config.js';
import { expenseEntity } from '../test/support/processes.js';
import type { HttpClient } from '../test/support/http.js';
import { summary } from './lib/stats.js';

const iterations = Number(process.argv[2] ?? 200);
const warmup = 10;
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error };

async function until<T>(probe: () => Promise<T | undefined>, pollMs: number): Promise<T> {
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

async function main() {
  const server = await startTemporalDevServer({ port: await getFreePort(), headless: true, timeoutSec: 60 });
  const dir = fileURLToPath(new URL('../data/bench', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const bundlePath = `${dir}/workflow-bundle.js`;
  writeFileSync(bundlePath, (await bundleWorkflowCode({ workflowsPath, logger: quiet })).code);
  const stack = await startStackWith({ temporalAddress: server.address, workflowBundlePath: bundlePath });
  try {
    await publishVariant(stack, (bundle) => {
      bundle.entities.expense = expenseEntity;
      bundle.processes['bench-start'] = { entity: 'expense', steps: [{ id: 'review', type: 'task', title: { en: 'Review' }, assignee: { managerOf: 'requester' } }, { id: 'end', type: 'end' }] };
    });
    const baseline = await bareStarts(server.address, stack, iterations);
    const [sales1, branchmgr] = await Promise.all([stack.as('sales1'), stack.as('branchmgr')]);
    const { visible: flowcrm, answered } = await flowcrmStarts(sales1, branchmgr, iterations);
    const b = summary(baseline);
    const f = summary(flowcrm);
    const a = summary(answered);
    console.log(`\n| measure (ms) | n | p50 | p95 | p99 | max |\n|---|---|---|---|---|---|`);
    console.log(`| bare client + worker: start -> task row written (baseline) | ${b.n} | ${b.p50} | ${b.p95} | ${b.p99} | ${b.max} |`);
    console.log(`| flowcrm: POST /api/processes answered (201) | ${a.n} | ${a.p50} | ${a.p95} | ${a.p99} | ${a.max} |`);
    console.log(`| flowcrm: POST /api/processes -> task in GET /api/inbox | ${f.n} | ${f.p50} | ${f.p95} | ${f.p99} | ${f.max} |`);
    console.log(`\nratio flowcrm / bare: p50 ${(f.p50 / b.p50).toFixed(2)}, p99 ${(f.p99 / b.p99).toFixed(2)}; target p50 <= 100 ms, p99 <= 400 ms`);
  } finally {
    await stack.stop();
    await server.stop();
  }
}

async function flowcrmStarts(sales1: HttpClient, branchmgr: HttpClient, n: number): Promise<{ visible: number[]; answered: number[] }> {
  const samples: number[] = [];
  const answered: number[] = [];
  for (let i = 0; i < n + warmup; i++) {
    const created = await sales1.post('/api/records/expense', { title: `bench ${i}`, amount: 1 });
    const started = performance.now();
    const res = await sales1.post('/api/processes', { process: 'bench-start', entity: 'expense', recordId: created.body.id });
    if (res.status !== 201) throw new Error(`start failed: ${res.status} ${JSON.stringify(res.body)}`);
    if (i >= warmup) answered.push(performance.now() - started);
    await until(async () => {
      const inbox = await branchmgr.get('/api/inbox?limit=500&sort=-createdAt');
      return inbox.body.items.find((t: { recordId: string }) => t.recordId === created.body.id);
    }, 2);
    if (i >= warmup) samples.push(performance.now() - started);
  }
  return { visible: samples, answered };
}

async function bareStarts(address: string, stack: Stack, n: number): Promise<number[]> {
  const taskQueue = `${stack.taskQueue}-baseline`;
  const connection = await NativeConnection.connect({ address });
  const db = stack.orm.em.fork().getConnection();
  const worker = await Worker.create({
    connection, taskQueue, namespace: 'default',
    workflowsPath: fileURLToPath(new URL('./workflows/bare-task.ts', import.meta.url)), bundlerOptions: { logger: quiet } as never,
    activities: {
      async writeTask({ id, recordId, assignee }: { id: string; recordId: string; assignee: string }) {
        await stack.orm.em.fork().getConnection().execute(
          `insert into tasks (id, kind, title, workflow_id, process_id, process, entity, record_id, step_id, requester, assignee, candidates, status, routing, created_at)
           values (?, 'task', 'Review', ?, ?, 'bare', 'expense', ?, 'review', 'sales1', ?, ?::jsonb, 'open', '[]'::jsonb, now()) on conflict (id) do nothing`,
          [id, id, id, recordId, assignee, JSON.stringify([assignee])]);
      },
    },
  });
  const samples: number[] = [];
  await worker.runUntil(async () => {
    for (let i = 0; i < n + warmup; i++) {
      const id = `bare-${Date.now()}-${i}`;
      const recordId = crypto.randomUUID();
      const started = performance.now();
      const handle = await stack.flow.client.workflow.start('bareTaskWorkflow', { taskQueue, workflowId: id, args: [{ id, recordId, assignee: 'bench' }] });
      await until(async () => ((await db.execute('select 1 from tasks where id = ?', [id])).length ? true : undefined), 2);
      if (i >= warmup) samples.push(performance.now() - started);
      await handle.signal('done');
    }
  });
  await connection.close();
  return samples;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
