import { afterAll, beforeAll, expect, it, inject } from 'vitest';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { buildRunInput } from '../../engine/domain/process/run-input.js';
import { simulate } from '../../engine/simulation/driver.js';
import { planSimulation } from '../../engine/simulation/request.js';
import { SimulationStore } from '../../engine/simulation/store.js';

const testServer = fileURLToPath(new URL('../../.tools/bin/temporal-test-server', import.meta.url));

const bundle = {
  approvalChains: {},
  calendars: { business: { timezone: 'UTC' } },
  processes: {
    pause: { entity: 'expense', steps: [{ id: 'wait', type: 'wait', for: 'P2D' }, { id: 'mark', type: 'action', action: 'set', set: { status: 'drafted' } }] },
    claim: { entity: 'expense', steps: [{ id: 'child', type: 'subprocess', process: 'pause' }, { id: 'end', type: 'end', outcome: 'done' }] },
  },
};
const users = ['boss', 'sales1'].map((username) => ({ username, roles: [], manager: null, active: true, attributes: {} }));

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer } } });
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

/**
 * The driver reads the parent's history, then the child's, one after another. Here each read of a child first waits
 * (up to 400 ms) for the child to close, as a slow answer under load would: after the clock jump that fires the
 * child's timer, the parent is read still waiting on the child and the child is read closed. A driver that took
 * that pair for idle answered "waiting" (docs/decisions/0048).
 */
function lagging(processId: string): TestWorkflowEnvironment {
  const workflow = Object.create(env.client.workflow) as Client['workflow'];
  workflow.getHandle = ((id: string, ...rest: unknown[]) => {
    const handle = (env.client.workflow.getHandle as (...a: unknown[]) => WorkflowHandle)(id, ...rest);
    if (id === processId) return handle;
    return Object.assign(Object.create(handle) as WorkflowHandle, {
      fetchHistory: async () => {
        for (const bound = Date.now() + 400; Date.now() < bound;) {
          if ((await handle.describe()).status.name !== 'RUNNING') break;
          await delay(20);
        }
        return handle.fetchHistory();
      },
    });
  }) as Client['workflow']['getHandle'];
  const client = Object.assign(Object.create(env.client) as Client, { workflow });
  return Object.assign(Object.create(env) as TestWorkflowEnvironment, { client });
}

it('is not idle while a sub-process that ended on its timer has yet to hand its result to the parent', async () => {
  const plan = planSimulation(bundle as never, { process: 'claim', record: { title: 'Taxi', amount: 40 }, script: {} } as never);
  const store = new SimulationStore(bundle as never, users, () => () => []);
  store.records.set('r1', { entity: 'expense', data: { title: 'Taxi', amount: 40 } });
  const input = buildRunInput(bundle as never, 1, { process: 'claim', recordId: 'r1', requester: 'sales1' }, { title: 'Taxi', amount: 40 });
  const outcome = await simulate({
    env: lagging(input.processId), workflowBundle: { codePath: inject('workflowBundlePath') }, store, plan, input, timeoutMs: 60_000,
    realLoads: async () => [], readRecord: async () => null,
  });
  expect(outcome).toMatchObject({ status: 'completed', outcome: 'done', unused: [] });
  expect(store.recordChanges.map((c) => c.set)).toEqual([{ status: 'drafted' }]);
}, 90_000);
