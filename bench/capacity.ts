/**
 * Capacity at 1/100 of the deployment guide's sizing (docs/deployment.md): 100,000 records (half quotes, half
 * opportunities with their stage history) in a scratch database, then, in the same run, each against its floor:
 *   - list: a filtered, sorted page of 50 quotes through the API (Fastify inject) vs the same SQL with pg;
 *   - board: the sales pipeline board through the API vs its SQL statements with pg;
 *   - create: POST /api/records/quote over HTTP at CONNECTIONS keep-alive connections vs a bare Fastify + pg server
 *     inserting the same row into a copy of the records table (now holding 100,000 rows);
 *   - decisions: one API and one worker (in this process) on a Temporal dev server, DECISIONS processes waiting on a
 *     task, decided with CONCURRENCY in flight until each one's next task row exists, vs bare Temporal Updates to
 *     an echo workflow with the same concurrency on the same server.
 * Every line carries the load average when it was measured. Not part of npm test.
 *   npx tsx bench/capacity.ts     (ROWS=100000, REQUESTS=100, DURATION_MS=5000, CONNECTIONS=10, DECISIONS=200,
 *                                  CONCURRENCY=10; BENCH_DATABASE_URL for another server)
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createOrm, migrate } from '../engine/db/orm.js';
import { seedDemo } from '../engine/db/seed.js';
import { buildApp } from '../engine/api/app.js';
import { ConfigStore } from '../engine/db/config-store.js';
import { ensureIndexes } from '../engine/db/record-indexes.js';
import { buildListQuery } from '../engine/db/record-list.js';
import { entityContext } from '../engine/db/record-write.js';
import { columnItemsQuery, stageTotalsQuery } from '../engine/db/pipeline-board.js';
import { pipelineQuery } from '../engine/db/pipeline-sql.js';
import type { FlowClient } from '../engine/temporal/client.js';
import { createTestDatabase } from '../test/support/database.js';
import { publishVariant } from '../test/support/config.js';
import { expenseEntity } from '../test/support/processes.js';
import { summary } from './lib/stats.js';
import { httpLoad } from './lib/http-load.js';
import { quoteBodies, startBareCreateServer } from './lib/bare-create.js';
import { loadOpportunities, loadQuotes } from './lib/scale-data.js';
import { quiet, startBenchStack, until } from './lib/start-bench.js';
import { echoUpdate, stopUpdate } from './workflows/echo.js';

const ROWS = Number(process.env.ROWS ?? 100_000);
const REQUESTS = Number(process.env.REQUESTS ?? 100);
const DURATION_MS = Number(process.env.DURATION_MS ?? 5000);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10);
const DECISIONS = Number(process.env.DECISIONS ?? 200);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 10);
const PIPELINE = 'opportunity-sales';
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
const results: { measure: string; baseline: string; flowcrm: string; ratio: string; load: string }[] = [];

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** Alternates `api` and `direct` REQUESTS times after a warm-up; records p50 / p95 of each and the p95 ratio. */
async function latencies(measure: string, api: () => Promise<unknown>, direct: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 10; i++) { await api(); await direct(); }
  const a: number[] = [];
  const d: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    a.push(await timed(api));
    d.push(await timed(direct));
  }
  const [sa, sd] = [summary(a), summary(d)];
  results.push({ measure, baseline: `p50 ${sd.p50} / p95 ${sd.p95} ms`, flowcrm: `p50 ${sa.p50} / p95 ${sa.p95} ms`, ratio: `${(sa.p95 / sd.p95).toFixed(2)}x p95`, load: load() });
}

async function records(): Promise<void> {
  const database = await createTestDatabase(adminUrl);
  const orm = await createOrm({ databaseUrl: database.url, poolSize: CONNECTIONS });
  const pool = new pg.Pool({ connectionString: database.url, max: CONNECTIONS });
  const direct = [new pg.Client(database.url), new pg.Client(database.url)];
  const apps: { close(): Promise<unknown> }[] = [];
  try {
    await migrate(orm);
    await seedDemo(orm.em.fork());
    await Promise.all(direct.map((c) => c.connect()));
    const config = await new ConfigStore(orm.em.fork()).current();
    const loadMs = await timed(async () => {
      await loadQuotes(direct[0], config.version, ROWS / 2);
      await loadOpportunities(direct[0], config.version, ROWS / 2, PIPELINE);
    });
    await ensureIndexes(orm.em.fork(), config);
    await direct[0].query('vacuum analyze');
    const { n } = (await direct[0].query(`select count(*)::int as n from records`)).rows[0];
    console.log(`loaded ${n} records (${ROWS / 2} quotes, ${ROWS / 2} opportunities with stage history) in ${Math.round(loadMs)} ms`);

    const app = await buildApp({ orm, flow: {} as FlowClient, jwtSecret: 'bench-secret' });
    const apiUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    apps.push(app);
    const tokenOf = async (username: string) =>
      (await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'demo' } })).json<{ token: string }>().token;
    // head office reads every record (starter-pack permissions), so the API answers what the direct SQL reads
    const token = await tokenOf('hqvp');
    const get = async (url: string) => {
      const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      if (res.statusCode !== 200) throw new Error(`API answered ${res.statusCode}: ${res.body}`);
      return res.body;
    };

    const filter = 'record.status == "approved" && record.total > 1000.0';
    const list = buildListQuery({ entity: 'quote', catalog: entityContext(config, 'quote').catalog, reviewRequired: false }, { filter, sort: '-total', limit: 50 });
    await latencies(`list: page of 50 of ${ROWS / 2} quotes, filtered and sorted`,
      () => get(`/api/records/quote?${new URLSearchParams({ filter, sort: '-total', limit: '50' })}`),
      () => direct[0].query(list.sql, list.params));

    const query = await pipelineQuery(orm.em.fork(), PIPELINE);
    const statements = [stageTotalsQuery(query), columnItemsQuery(query, query.pipeline.stages.map((s) => s.id), { limit: 20 })];
    await latencies(`board: ${ROWS / 2} opportunities in 7 columns, 20 cards each`,
      () => get(`/api/pipelines/${PIPELINE}/board?limit=20`),
      () => Promise.all(statements.map((s, i) => direct[i].query(s.sql, s.params.values))));

    const bare = await startBareCreateServer(pool);
    apps.push(bare.app);
    await pool.query(`insert into bare_records select * from records`); // the floor writes into a table as full as ours
    await pool.query('vacuum analyze bare_records');
    const writer = await tokenOf('sales1');
    const creates = (side: 'bare' | 'flowcrm', durationMs: number) => side === 'bare'
      ? httpLoad({ url: `${bare.url}/bare/quote`, bodies: quoteBodies, connections: CONNECTIONS, durationMs })
      : httpLoad({ url: `${apiUrl}/api/records/quote`, headers: { authorization: `Bearer ${writer}` }, bodies: quoteBodies, connections: CONNECTIONS, durationMs });
    await creates('bare', 2000);
    await creates('flowcrm', 2000);
    const b = await creates('bare', DURATION_MS);
    const f = await creates('flowcrm', DURATION_MS);
    for (const [side, r] of [['bare', b], ['flowcrm', f]] as const) {
      if (Object.keys(r.statuses).some((s) => s !== '201')) throw new Error(`${side} creates answered ${JSON.stringify(r.statuses)}`);
    }
    results.push({
      measure: `create: POST a quote, ${CONNECTIONS} connections, into ${n} records`,
      baseline: `${b.perSecond}/s, p50 ${b.latency.p50} / p99 ${b.latency.p99} ms`, flowcrm: `${f.perSecond}/s, p50 ${f.latency.p50} / p99 ${f.latency.p99} ms`,
      ratio: `${(f.perSecond / b.perSecond).toFixed(2)} throughput`, load: load(),
    });
  } finally {
    for (const app of apps.reverse()) await app.close();
    await Promise.all(direct.map((c) => c.end().catch(() => undefined)));
    await pool.end();
    await orm.close();
    await database.drop();
  }
}

/** Runs `n` jobs with CONCURRENCY in flight; answers jobs per second. */
async function closedLoop(n: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const began = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    for (let i = next++; i < n; i = next++) await job(i);
  }));
  return n / ((performance.now() - began) / 1000);
}

async function decisions(): Promise<void> {
  const { stack, address, stop } = await startBenchStack();
  try {
    await publishVariant(stack, (bundle) => {
      bundle.entities.expense = expenseEntity;
      bundle.processes['bench-decide'] = { entity: 'expense', steps: [
        { id: 'review', type: 'task', title: { en: 'Review' }, assignee: { managerOf: 'requester' } },
        { id: 'check', type: 'task', title: { en: 'Check' }, assignee: { managerOf: 'requester' } },
        { id: 'end', type: 'end' }] };
    });
    const [sales1, branchmgr] = await Promise.all([stack.as('sales1'), stack.as('branchmgr')]);
    const db = stack.orm.em.fork().getConnection();
    const taskOf = (recordId: string, step: string) =>
      until(async () => (await db.execute<{ id: string }[]>(`select id from tasks where record_id = ? and step_id = ?`, [recordId, step]))[0]?.id, 5);
    const recordIds: string[] = [];
    await closedLoop(DECISIONS + 20, async (i) => {
      recordIds[i] = (await sales1.post('/api/records/expense', { title: `decide ${i}`, amount: 1 })).body.id;
      const res = await sales1.post('/api/processes', { process: 'bench-decide', entity: 'expense', recordId: recordIds[i] });
      if (res.status !== 201) throw new Error(`start failed: ${res.status} ${JSON.stringify(res.body)}`);
    });
    const reviews = await Promise.all(recordIds.map((id) => taskOf(id, 'review')));
    const decide = async (i: number) => {
      const res = await branchmgr.post(`/api/tasks/${reviews[i]}/complete`, {});
      if (res.status !== 200) throw new Error(`decision failed: ${res.status} ${JSON.stringify(res.body)}`);
      await taskOf(recordIds[i], 'check');
    };
    await closedLoop(20, (i) => decide(DECISIONS + i)); // warm-up
    const bare = await bareUpdates(address, stack.flow.client, stack.taskQueue);
    const flowcrm = await closedLoop(DECISIONS, decide);
    results.push({
      measure: `decisions: ${DECISIONS} waiting runs, ${CONCURRENCY} in flight, one API + one worker, until the next task row exists`,
      baseline: `${bare.toFixed(1)}/s (bare Update, echo workflow)`, flowcrm: `${flowcrm.toFixed(1)}/s`, ratio: `${(flowcrm / bare).toFixed(2)} throughput`, load: load(),
    });
  } finally {
    await stop();
  }
}

/** The floor under a decision: Updates to echo workflows on the same server with the same concurrency. */
async function bareUpdates(address: string, client: Client, queue: string): Promise<number> {
  const taskQueue = `${queue}-baseline`;
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection, taskQueue, namespace: 'default',
    workflowsPath: fileURLToPath(new URL('./workflows/echo.ts', import.meta.url)), bundlerOptions: { logger: quiet } as never,
  });
  let rate = 0;
  await worker.runUntil(async () => {
    const handles = await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) =>
      client.workflow.start('echoWorkflow', { taskQueue, workflowId: `capacity-echo-${Date.now()}-${i}` })));
    await closedLoop(20, async (i) => void await handles[i % CONCURRENCY].executeUpdate(echoUpdate, { args: [String(i)] }));
    rate = await closedLoop(DECISIONS, async (i) => void await handles[i % CONCURRENCY].executeUpdate(echoUpdate, { args: [String(i)] }));
    await Promise.all(handles.map((h) => h.executeUpdate(stopUpdate)));
  });
  await connection.close();
  return rate;
}

async function main() {
  console.log(`capacity at 1/100 scale: ${ROWS} records, ${DECISIONS} decisions; ${os.cpus().length} vCPUs, ${Math.round(os.totalmem() / 2 ** 30)} GB; load average at start ${load()}`);
  await records();
  await decisions();
  console.log('\n| measure | baseline (same run) | flowcrm | ratio | load average (1, 5, 15 min) |\n|---|---|---|---|---|');
  for (const r of results) console.log(`| ${r.measure} | ${r.baseline} | ${r.flowcrm} | ${r.ratio} | ${r.load} |`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
