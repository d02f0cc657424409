import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { FlowClient } from '../../engine/temporal/client.js';
import { DomainError } from '../../engine/domain/errors.js';
import type { DecisionInput } from '../../workflows/messages.js';

const workflowsPath = fileURLToPath(new URL('../fixtures/update-workflows/flaky-decide.ts', import.meta.url));
const taskQueue = `update-retry-${randomUUID()}`;
const decision: DecisionInput = { taskId: 't1', actor: 'branchmgr', outcome: 'approve', delegations: [] };

let connection: Connection;
let workerConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let client: Client;

beforeAll(async () => {
  const address = inject('temporalAddress');
  workerConnection = await NativeConnection.connect({ address });
  worker = await Worker.create({ connection: workerConnection, taskQueue, workflowsPath });
  running = worker.run();
  connection = await Connection.connect({ address });
  client = new Client({ connection });
}, 120_000);
afterAll(async () => {
  worker?.shutdown();
  await running;
  await workerConnection?.close();
  await connection?.close();
});

async function startFlaky(acceptFromHistoryLength: number): Promise<string> {
  const workflowId = `flaky-${randomUUID()}`;
  await client.workflow.start('flakyDecideWorkflow', { taskQueue, workflowId, args: [acceptFromHistoryLength] });
  return workflowId;
}

async function failedWorkflowTasks(workflowId: string): Promise<number> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes).length;
}

describe('an update whose workflow task fails', () => {
  it('reaches the workflow after the workflow tasks that carried it failed, once and with its answer', async () => {
    const workflowId = await startFlaky(12);
    const flow = new FlowClient(client, taskQueue, 60_000);
    expect(await flow.decide(workflowId, decision)).toEqual({ status: 'completed', outcome: 'approve' });
    expect(await failedWorkflowTasks(workflowId)).toBeGreaterThan(0);
    await client.workflow.getHandle(workflowId).result();
  }, 120_000);

  it('answers UNAVAILABLE, not an internal error, when the workflow never takes it in time', async () => {
    const workflowId = await startFlaky(1_000_000);
    const flow = new FlowClient(client, taskQueue, 3_000);
    const error = await flow.decide(workflowId, decision).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('UNAVAILABLE');
    await client.workflow.getHandle(workflowId).terminate('test over');
  }, 120_000);
});
