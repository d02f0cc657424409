/**
 * Process start -> the first task visible in the assignee's inbox (POST /api/processes, then GET /api/inbox), against
 * a bare Temporal client + worker on the same server whose workflow writes the same task row to the same PostgreSQL
 * with one local activity (start, then poll the row). Run: npx tsx bench/process-start.ts [N]
 */
import { performance } from 'node:perf_hooks';
import type { Stack } from '../test/support/stack-core.js';
import type { HttpClient } from '../test/support/http.js';
import { summary } from './lib/stats.js';
import { bareTaskWorker, startBenchStack, until } from './lib/start-bench.js';

const iterations = Number(process.argv[2] ?? 200);
const warmup = 10;

async function main() {
  const { stack, address, stop } = await startBenchStack();
  try {
    const baseline = await bareStarts(address, stack, iterations);
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
    await stop();
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
  const { worker, taskQueue, close } = await bareTaskWorker(address, stack);
  const db = stack.orm.em.fork().getConnection();
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
  await close();
  return samples;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
