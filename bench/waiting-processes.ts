/**
 * N processes waiting on a task, held by a worker in its own OS process with a bounded workflow cache
 * (FLOWCRM_MAX_CACHED_WORKFLOWS): the worker's RSS once all N wait, and the latency from deciding the task of one of
 * the oldest runs (long evicted from the cache, so replayed from history) to its next task being visible.
 * Run: npx tsx bench/waiting-processes.ts [--n 10000] [--cache 100]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { publishVariant } from '../test/support/config.js';
import { expenseEntity } from '../test/support/processes.js';
import { summary } from './lib/stats.js';
import { startBenchStack, until } from './lib/start-bench.js';
import { MAX_CACHED_WORKFLOWS_DEFAULT } from '../worker/main.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const n = arg('n', 10_000);
const cache = arg('cache', MAX_CACHED_WORKFLOWS_DEFAULT);
const probes = 20;
const root = fileURLToPath(new URL('..', import.meta.url));

function rssMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(`${root}/node_modules/.bin/node`, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: root, env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('worker running') && resolve(child));
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

async function main() {
  const { stack, stop } = await startBenchStack({ worker: false });
  const worker = await startWorker({
    DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: stack.temporalAddress, TEMPORAL_TASK_QUEUE: stack.taskQueue,
    FLOWCRM_MAX_CACHED_WORKFLOWS: String(cache), FLOWCRM_WORKFLOW_BUNDLE: `${root}/data/bench/workflow-bundle.js`,
  });
  try {
    await publishVariant(stack, (bundle) => {
      bundle.entities.expense = expenseEntity;
      bundle.processes['bench-wait'] = { entity: 'expense', steps: [
        { id: 'review', type: 'task', title: { en: 'Review' }, assignee: { managerOf: 'requester' } },
        { id: 'check', type: 'task', title: { en: 'Check' }, assignee: { managerOf: 'requester' } },
        { id: 'end', type: 'end' }] };
    });
    const [sales1, branchmgr] = await Promise.all([stack.as('sales1'), stack.as('branchmgr')]);
    const atRest = rssMb(worker.pid!);
    const db = stack.orm.em.fork().getConnection();
    const recordIds: string[] = [];
    let next = 0;
    const began = performance.now();
    await Promise.all(Array.from({ length: 10 }, async () => {
      for (let i = next++; i < n; i = next++) {
        const created = await sales1.post('/api/records/expense', { title: `waiting ${i}`, amount: 1 });
        recordIds[i] = created.body.id;
        const res = await sales1.post('/api/processes', { process: 'bench-wait', entity: 'expense', recordId: created.body.id });
        if (res.status !== 201) throw new Error(`start failed: ${res.status} ${JSON.stringify(res.body)}`);
      }
    }));
    await until(async () => {
      const [{ count }] = await db.execute(`select count(*)::int as count from tasks where step_id = 'review' and status = 'open'`);
      return count >= n ? true : undefined;
    }, 500);
    const startedSeconds = (performance.now() - began) / 1000;
    const waiting = rssMb(worker.pid!);
    const latencies: number[] = [];
    for (const recordId of recordIds.slice(0, probes)) {
      const [task] = await db.execute(`select id from tasks where record_id = ? and step_id = 'review'`, [recordId]);
      const t0 = performance.now();
      const done = await branchmgr.post(`/api/tasks/${task.id}/complete`, {});
      if (done.status !== 200) throw new Error(`complete failed: ${done.status} ${JSON.stringify(done.body)}`);
      await until(async () => ((await db.execute(`select 1 from tasks where record_id = ? and step_id = 'check'`, [recordId])).length ? true : undefined), 2);
      latencies.push(performance.now() - t0);
    }
    const after = rssMb(worker.pid!);
    const l = summary(latencies);
    console.log(`\n${n} processes waiting on a task, workflow cache ${cache}; all started and waiting after ${startedSeconds.toFixed(0)} s\n`);
    console.log('| worker RSS (MB) | at rest | all waiting | after the probes | peak (VmHWM) |\n|---|---|---|---|---|');
    console.log(`| | ${atRest.rss} | ${waiting.rss} | ${after.rss} | ${after.peak} |`);
    console.log(`\ndecision on one of the ${probes} oldest (evicted) runs -> its next task visible: p50 ${l.p50} ms, p95 ${l.p95} ms, max ${l.max} ms (process-start target: p50 <= 100 ms, p99 <= 400 ms); RSS target <= 1024 MB`);
  } finally {
    worker.kill('SIGTERM');
    await stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
