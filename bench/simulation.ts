/**
 * Simulation speed: a 90-day collections ladder (12 weekly rungs of wait + notify + set) through the simulator's
 * driver (settle, read the histories, jump to the next timer), against a bare run of the same workflow input on the
 * same kind of fresh time-skipping server with the same in-memory activities, left to skip time by itself
 * (`handle.result()`), in the same run. Both include the server start and the worker. No database.
 * Run: npx tsx bench/simulation.ts [N]
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { bundleWorkflowCode, Worker, type WorkerOptions } from '@temporalio/worker';
import { createSimulationActivities } from '../engine/simulation/activities.js';
import { simulate } from '../engine/simulation/driver.js';
import { startTestServer } from '../engine/simulation/environment.js';
import { planSimulation } from '../engine/simulation/request.js';
import { SimulationStore } from '../engine/simulation/store.js';
import { buildRunInput } from '../engine/domain/process/run-input.js';
import { workflowsPath } from '../worker/main.js';
import { summary } from './lib/stats.js';

const iterations = Number(process.argv[2] ?? 5);
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error };

const bundle = {
  entities: { invoice: { schema: { type: 'object', properties: { rung: { type: 'integer' } } } } },
  processes: {
    ladder: {
      entity: 'invoice', steps: [
        { id: 'ladder', type: 'loop', max: 12, steps: [
          { id: 'week', type: 'wait', for: 'P7D' },
          { id: 'remind', type: 'action', action: 'notify', message: { en: 'Payment reminder' } },
          { id: 'rung', type: 'action', action: 'set', set: { rung: { expr: 'vars.ladder.pass' } } },
        ] },
        { id: 'settle', type: 'wait', for: 'P6D' },
        { id: 'end', type: 'end', outcome: 'escalated' },
      ],
    },
  },
};
const users = [{ username: 'sales1', roles: ['sales_rep'], manager: null, active: true, attributes: {} }];

function prepared() {
  const store = new SimulationStore(bundle, users, () => () => []);
  const recordId = randomUUID();
  store.records.set(recordId, { entity: 'invoice', data: {} });
  const input = buildRunInput(bundle, 0, { process: 'ladder', recordId, requester: 'sales1' }, {});
  return { store, input };
}

async function bare(workflowBundle: WorkerOptions['workflowBundle']): Promise<number> {
  const began = performance.now();
  const env = await startTestServer({});
  try {
    const { store, input } = prepared();
    const clock = async () => new Date(await env.currentTimeMs()).toISOString();
    const activities = createSimulationActivities({ store, clock, realLoads: async () => [], readRecord: async () => null });
    const taskQueue = `bare-${randomUUID()}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start('processWorkflow', { taskQueue, workflowId: input.processId, args: [input] });
      await handle.result();
    });
    if (store.recordChanges.length !== 12) throw new Error(`bare run made ${store.recordChanges.length} changes`);
  } finally {
    await env.teardown();
  }
  return performance.now() - began;
}

async function simulated(workflowBundle: WorkerOptions['workflowBundle']): Promise<number> {
  const began = performance.now();
  const env = await startTestServer({});
  try {
    const { store, input } = prepared();
    const plan = planSimulation(bundle, { process: 'ladder', record: {} });
    const outcome = await simulate({ env, workflowBundle, store, plan, input, timeoutMs: 60_000, realLoads: async () => [], readRecord: async () => null });
    if (outcome.status !== 'completed' || store.recordChanges.length !== 12) throw new Error(`simulation ended ${outcome.status} with ${store.recordChanges.length} changes`);
  } finally {
    await env.teardown();
  }
  return performance.now() - began;
}

async function main() {
  const workflowBundle = { code: (await bundleWorkflowCode({ workflowsPath, logger: quiet })).code };
  await bare(workflowBundle); // warm-up: the first worker pays for loading the bundle
  const bareMs: number[] = [];
  const simMs: number[] = [];
  for (let i = 0; i < iterations; i++) {
    bareMs.push(await bare(workflowBundle));
    simMs.push(await simulated(workflowBundle));
  }
  const b = summary(bareMs);
  const s = summary(simMs);
  console.log(`90-day ladder, ${iterations} runs each, fresh server + worker per run`);
  console.log(`bare time-skipping run: p50 ${b.p50} ms, max ${b.max} ms`);
  console.log(`simulation driver:      p50 ${s.p50} ms, max ${s.max} ms`);
  console.log(`ratio (p50): ${(s.p50 / b.p50).toFixed(2)}x; target: a 90-day simulation under 10,000 ms`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
