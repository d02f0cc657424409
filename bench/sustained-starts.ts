/**
 * Sustained starts: processes started -> first task visible, per second, with 10 starts in flight at all times, for
 * flowcrm (POST /api/processes, the task row is then polled) against a bare Temporal client + worker on the same dev
 * server whose workflow writes the same task row to the same PostgreSQL with one local activity.
 * Run: npx tsx bench/sustained-starts.ts [N=300] [CONCURRENCY=10]
 */
import { performance } from 'node:perf_hooks';
import type { Stack } from '../test/support/stack-core.js';
import type { HttpClient } from '../test/support/http.js';
import { summary } from './lib/stats.js';
import { TimeProfile } from './lib/time-profile.js';
import { bareTaskWorker, startBenchStack, until } from './lib/start-bench.js';

const total = Number(process.argv[2] ?? 300);
const concurrency = Number(process.argv[3] ?? 10);
const pollMs = 5;

interface Round { perSecond: number; latencies: number[] }

/** Runs `n` starts with `concurrency` in flight; each one ends when its task row is visible. */
async function closedLoop(n: number, one: (i: number) => Promise<void>): Promise<Round> {
  let next = 0;
  const latencies: number[] = [];
  const began = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < n; i = next++) {
      const started = performance.now();
      await one(i);
      latencies.push(performance.now() - started);
    }
  }));
  return { perSecond: n / ((performance.now() - began) / 1000), latencies };
}

function taskVisible(stack: Stack, recordId: string): Promise<true> {
  const db = stack.orm.em.fork().getConnection();
  return until(async () => ((await db.execute('select 1 from tasks where record_id = ?', [recordId])).length ? true : undefined), pollMs);
}

async function bare(address: string, stack: Stack, n: number): Promise<Round> {
  const { worker, taskQueue, close } = await bareTaskWorker(address, stack);
  let round!: Round;
  const ids: string[] = [];
  await worker.runUntil(async () => {
    round = await closedLoop(n, async (i) => {
      const id = `bare-${Date.now()}-${i}`;
      const recordId = crypto.randomUUID();
      ids.push(id);
      await stack.flow.client.workflow.start('bareTaskWorkflow', { taskQueue, workflowId: id, args: [{ id, recordId, assignee: 'bench' }] });
      await taskVisible(stack, recordId);
    });
    for (const id of ids) await stack.flow.client.workflow.getHandle(id).signal('done');
  });
  await close();
  return round;
}

async function flowcrm(stack: Stack, sales1: HttpClient, n: number, profile?: TimeProfile): Promise<Round> {
  const recordIds: string[] = [];
  for (let i = 0; i < n; i++) recordIds.push((await sales1.post('/api/records/expense', { title: `sustained ${i}`, amount: 1 })).body.id);
  const round = () => closedLoop(n, async (i) => {
    const res = await sales1.post('/api/processes', { process: 'bench-start', entity: 'expense', recordId: recordIds[i] });
    if (res.status !== 201) throw new Error(`start failed: ${res.status} ${JSON.stringify(res.body)}`);
    await taskVisible(stack, recordIds[i]);
  });
  return profile ? profile.segment(round) : round();
}

async function main() {
  const { stack, address, stop } = await startBenchStack();
  try {
    const sales1 = await stack.as('sales1');
    await bare(address, stack, 20); // warm-up of both sides: bundles loaded, connections open, JIT
    await flowcrm(stack, sales1, 20);
    const b = await bare(address, stack, total);
    const profile = new TimeProfile();
    const f = await flowcrm(stack, sales1, total, profile);
    const bs = summary(b.latencies);
    const fs = summary(f.latencies);
    console.log(`\n${total} starts, ${concurrency} in flight\n`);
    console.log('| side | starts -> task visible per s | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|---|');
    console.log(`| bare client + worker (baseline) | ${b.perSecond.toFixed(1)} | ${bs.p50} | ${bs.p95} | ${bs.p99} |`);
    console.log(`| flowcrm | ${f.perSecond.toFixed(1)} | ${fs.p50} | ${fs.p95} | ${fs.p99} |`);
    console.log(`\nratio flowcrm / bare: ${(100 * f.perSecond / b.perSecond).toFixed(0)}% (target >= 70%)`);
    console.log(`\nWhere the time goes (per start, ${concurrency} in flight):\n${profile.table(total)}`);
  } finally {
    await stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
