/**
 * Decision latency: branchmgr approves over HTTP -> regiondir's inbox shows the next approval, against a bare
 * Temporal Update round trip measured in the same run on the same server. Run: npx tsx bench/decision-latency.ts [N]
 */
import { fileURLToPath } from 'node:url';
import { writeFileSync, mkdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { startTemporalDevServer } from '../scripts/lib/temporal-cli.js';
import { getFreePort } from '../scripts/lib/ports.js';
import { workflowsPath } from '../worker/main.js';
import { startStackWith } from '../test/support/stack-core.js';
import { testPostgres } from '../test/support/test-postgres.js';
import { submitQuote } from '../test/support/quotes.js';
import type { HttpClient } from '../test/support/http.js';
import { echoUpdate, stopUpdate } from './workflows/echo.js';
import { summary } from './lib/stats.js';
import { TimeProfile } from './lib/time-profile.js';

const iterations = Number(process.argv[2] ?? 100);
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error };

async function openTaskFor(client: HttpClient, recordId: string, pollMs: number): Promise<string> {
  for (;;) {
    const inbox = await client.get('/api/inbox?limit=500');
    const task = inbox.body.items.find((t: { recordId: string }) => t.recordId === recordId);
    if (task) return task.id;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

async function main() {
  const server = await startTemporalDevServer({ port: await getFreePort(), headless: true, timeoutSec: 60 });
  const dir = fileURLToPath(new URL('../data/bench', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const bundlePath = `${dir}/workflow-bundle.js`;
  writeFileSync(bundlePath, (await bundleWorkflowCode({ workflowsPath, logger: quiet })).code);
  const postgres = await testPostgres(dir); // the machine's server, else an embedded one
  const stack = await startStackWith({ temporalAddress: server.address, workflowBundlePath: bundlePath, adminDatabaseUrl: postgres.adminUrl });
  try {
    const baseline = await bareUpdateRoundTrips(server.address, stack, iterations * 2);
    const [sales1, branchmgr, regiondir] = await Promise.all(['sales1', 'branchmgr', 'regiondir'].map((u) => stack.as(u)));
    const decisionCall: number[] = [];
    const nextVisible: number[] = [];
    const profile = new TimeProfile();
    for (let i = 0; i < iterations + 5; i++) {
      const { recordId } = await submitQuote(sales1, 25, 200_000);
      const first = await openTaskFor(branchmgr, recordId, 5);
      const decide = async () => {
        const started = performance.now();
        const res = await branchmgr.post(`/api/tasks/${encodeURIComponent(first)}/complete`, { outcome: 'approve' });
        const answered = performance.now();
        if (res.status !== 200) throw new Error(`decision failed: ${res.status}`);
        const second = await openTaskFor(regiondir, recordId, 2);
        return { started, answered, second, visible: performance.now() };
      };
      const { started, answered, second, visible } = i < 5 ? await decide() : await profile.segment(decide);
      await regiondir.post(`/api/tasks/${encodeURIComponent(second)}/complete`, { outcome: 'approve' });
      if (i < 5) continue; // warm-up
      decisionCall.push(answered - started);
      nextVisible.push(visible - started);
    }
    const rows = [
      ['bare Temporal Update round trip (baseline)', summary(baseline)],
      ['POST /api/tasks/:id/complete answered', summary(decisionCall)],
      ['decision -> next approver sees the task in GET /api/inbox', summary(nextVisible)],
    ] as const;
    console.log(`\n| measure (ms) | n | p50 | p95 | p99 | max |\n|---|---|---|---|---|---|`);
    for (const [name, s] of rows) console.log(`| ${name} | ${s.n} | ${s.p50} | ${s.p95} | ${s.p99} | ${s.max} |`);
    console.log(`\nratio p50 decision -> next task / bare Update: ${(rows[2][1].p50 / rows[0][1].p50).toFixed(1)}x (target <= 3x)`);
    console.log(`\nWhere the time goes, from the decision until the next task is seen (per decision):\n${profile.table(iterations)}`);
  } finally {
    await stack.stop();
    await server.stop();
    await postgres.stop();
  }
}

/** The same server, a worker of its own and a workflow whose update does nothing: the floor under any decision. */
async function bareUpdateRoundTrips(address: string, stack: Awaited<ReturnType<typeof startStackWith>>, n: number): Promise<number[]> {
  const taskQueue = `${stack.taskQueue}-baseline`;
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection, taskQueue, namespace: 'default',
    workflowsPath: fileURLToPath(new URL('./workflows/echo.ts', import.meta.url)), bundlerOptions: { logger: quiet } as never,
  });
  const samples: number[] = [];
  await worker.runUntil(async () => {
    const handle = await stack.flow.client.workflow.start('echoWorkflow', { taskQueue, workflowId: `bench-echo-${Date.now()}` });
    for (let i = 0; i < n + 10; i++) {
      const started = performance.now();
      await handle.executeUpdate(echoUpdate, { args: [String(i)] });
      if (i >= 10) samples.push(performance.now() - started);
    }
    await handle.executeUpdate(stopUpdate);
    await handle.result();
  });
  await connection.close();
  return samples;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
