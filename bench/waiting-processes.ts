/**
 * N processes waiting on tasks and timers, held by a worker in its own OS process with a bounded workflow cache
 * (FLOWCRM_MAX_CACHED_WORKFLOWS): every run waits on a task guarded by a 30-day boundary timer, and every other run
 * first waits on a 30-day timer of its own. Measured: the worker's RSS once all N wait (with its V8 heap and external
 * memory from its /metrics), and the latency from deciding the task of one of the oldest runs (long evicted from the
 * cache, so replayed from history) to its next task being visible, against the same decision on the newest runs, still
 * in the cache, measured first in the same run (the baseline).
 * Run: npx tsx bench/waiting-processes.ts [--n 10000] [--cache 100] [--worker-flags "--max-old-space-size=256"]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { publishVariant } from '../test/support/config.js';
import { expenseEntity } from '../test/support/processes.js';
import { summary } from './lib/stats.js';
import { startBenchStack, until } from './lib/start-bench.js';
import { MAX_CACHED_WORKFLOWS_DEFAULT } from '../worker/main.js';
import { getFreePort } from '../scripts/lib/ports.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const n = arg('n', 10_000);
const cache = arg('cache', MAX_CACHED_WORKFLOWS_DEFAULT);
const workerFlags = (() => {
  const i = process.argv.indexOf('--worker-flags');
  return i >= 0 ? process.argv[i + 1].split(' ').filter(Boolean) : [];
})();
const probes = 50;
const baselineProbes = 25;
const timerBoundary = [{ after: 'P30D', goto: 'late' }];
const root = fileURLToPath(new URL('..', import.meta.url));

function rssMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}

/** The worker's own view of its memory (prom-client's default metrics on its /metrics), in MB. */
async function workerMemory(port: number): Promise<{ heapUsed: number; heapTotal: number; external: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const mb = (name: string) => Math.round(Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0) / 2 ** 20);
  return { heapUsed: mb('nodejs_heap_size_used_bytes'), heapTotal: mb('nodejs_heap_size_total_bytes'), external: mb('nodejs_external_memory_bytes') };
}

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(`${root}/node_modules/.bin/node`, [...workerFlags, '--import', 'tsx', 'worker/main.ts'], {
    cwd: root, env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('worker running') && resolve(child));
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

async function main() {
  const { stack, stop } = await startBenchStack({ worker: false });
  const metricsPort = await getFreePort();
  const worker = await startWorker({
    FLOWCRM_WORKER_METRICS_PORT: String(metricsPort), FLOWCRM_WORKER_METRICS_HOST: '127.0.0.1',
    DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: stack.temporalAddress, TEMPORAL_TASK_QUEUE: stack.taskQueue,
    FLOWCRM_MAX_CACHED_WORKFLOWS: String(cache), FLOWCRM_WORKFLOW_BUNDLE: `${root}/data/bench/workflow-bundle.js`,
  });
  try {
    await publishVariant(stack, (bundle) => {
      bundle.entities.expense = expenseEntity;
      const steps = [
        { id: 'review', type: 'task', title: { en: 'Review' }, assignee: { managerOf: 'requester' }, boundary: timerBoundary },
        { id: 'check', type: 'task', title: { en: 'Check' }, assignee: { managerOf: 'requester' }, boundary: timerBoundary, next: 'end' },
        { id: 'late', type: 'end' },
        { id: 'end', type: 'end' }];
      bundle.processes['bench-wait'] = { entity: 'expense', steps };
      bundle.processes['bench-wait-timer'] = { entity: 'expense', steps: [{ id: 'hold', type: 'wait', for: 'P30D' }, ...steps] };
    });
    const [sales1, branchmgr] = await Promise.all([stack.as('sales1'), stack.as('branchmgr')]);
    const atRest = rssMb(worker.pid!);
    const heapAtRest = await workerMemory(metricsPort);
    const db = stack.orm.em.fork().getConnection();
    const recordIds: string[] = [];
    const processIds: string[] = [];
    let next = 0;
    const began = performance.now();
    await Promise.all(Array.from({ length: 10 }, async () => {
      for (let i = next++; i < n; i = next++) {
        const created = await sales1.post('/api/records/expense', { title: `waiting ${i}`, amount: 1 });
        recordIds[i] = created.body.id;
        const process = i % 2 ? 'bench-wait-timer' : 'bench-wait';
        const res = await sales1.post('/api/processes', { process, entity: 'expense', recordId: created.body.id });
        if (res.status !== 201) throw new Error(`start failed: ${res.status} ${JSON.stringify(res.body)}`);
        processIds[i] = res.body.id;
      }
    }));
    await until(async () => {
      const [{ count }] = await db.execute(`select count(*)::int as count from tasks where step_id = 'review' and status = 'open'`);
      return count >= Math.ceil(n / 2) ? true : undefined;
    }, 500);
    // the timer-first runs open no row: the newest of them (the last to be served) must have armed their timer
    const timerArmed = async (id: string) => (await stack.flow.client.workflow.getHandle(id).fetchHistory()).events!.some((e) => e.timerStartedEventAttributes);
    for (const id of processIds.filter((_, i) => i % 2).slice(-50)) await until(async () => ((await timerArmed(id)) ? true : undefined), 500);
    const startedSeconds = (performance.now() - began) / 1000;
    const waiting = rssMb(worker.pid!);
    const heapWaiting = await workerMemory(metricsPort);
    const failures: string[] = [];
    /** Decides the first task of each run and times it until the run's next task row exists. */
    const decideAndTime = async (ids: string[]) => {
      const latencies: number[] = [];
      for (const recordId of ids) {
        const [task] = await db.execute(`select id from tasks where record_id = ? and step_id = 'review'`, [recordId]);
        const t0 = performance.now();
        const done = await branchmgr.post(`/api/tasks/${task.id}/complete`, {});
        if (done.status !== 200) {
          const state = await stack.flow.client.workflow.getHandle(processIds[recordIds.indexOf(recordId)]).query('processState');
          failures.push(`${done.status} ${JSON.stringify(done.body)}; the run's state: ${JSON.stringify(state)}`);
          continue;
        }
        await until(async () => ((await db.execute(`select 1 from tasks where record_id = ? and step_id = 'check'`, [recordId])).length ? true : undefined), 2);
        latencies.push(performance.now() - t0);
      }
      return latencies;
    };
    const onTask = recordIds.filter((_, i) => i % 2 === 0);
    // baseline first: the newest task runs, still in the workflow cache (deciding the evicted ones would push them out)
    const newest = onTask.slice(-Math.min(baselineProbes, Math.floor(cache / 4)));
    const cached = await decideAndTime(newest);
    // the oldest runs that wait on a task (the odd ones are still on their 30-day timer), long evicted
    const oldest = onTask.slice(0, Math.min(probes, onTask.length - newest.length)); // never one of the baseline's
    const evicted = await decideAndTime(oldest);
    const after = rssMb(worker.pid!);
    const heapAfter = await workerMemory(metricsPort);
    const l = summary(evicted);
    const c = summary(cached);
    console.log(`\n${n} processes waiting on tasks and timers (${Math.ceil(n / 2)} on a task with a boundary timer, ${Math.floor(n / 2)} on a timer first), workflow cache ${cache}, worker flags '${workerFlags.join(' ')}'; all started and waiting after ${startedSeconds.toFixed(0)} s; load average ${loadavg().map((v) => v.toFixed(1)).join(' ')}\n`);
    console.log('| worker (MB) | at rest | all waiting | after the probes | peak (VmHWM) |\n|---|---|---|---|---|');
    console.log(`| RSS | ${atRest.rss} | ${waiting.rss} | ${after.rss} | ${after.peak} |`);
    for (const key of ['heapUsed', 'heapTotal', 'external'] as const) console.log(`| V8 ${key} | ${heapAtRest[key]} | ${heapWaiting[key]} | ${heapAfter[key]} | |`);
    for (const failure of failures) console.log(`a decision failed: ${failure}`);
    console.log(`\n${failures.length} of ${oldest.length + newest.length} decisions failed; decision -> the run's next task visible (ms):\n`);
    console.log('| runs decided | n | p50 | p95 | p99 | max |\n|---|---|---|---|---|---|');
    console.log(`| baseline: the newest, still cached | ${c.n} | ${c.p50} | ${c.p95} | ${c.p99} | ${c.max} |`);
    console.log(`| the ${oldest.length} oldest, evicted (replayed from history) | ${l.n} | ${l.p50} | ${l.p95} | ${l.p99} | ${l.max} |`);
    console.log(`\nevicted / cached: p50 ${(l.p50 / c.p50).toFixed(2)}x, p99 ${(l.p99 / c.p99).toFixed(2)}x (process-start target: p50 <= 100 ms, p99 <= 400 ms); RSS target <= 1024 MB`);
  } finally {
    worker.kill('SIGTERM');
    await stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
