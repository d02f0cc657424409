/**
 * Records histories of interpreter runs, one or more per step type, into test/replay/histories (append-only: run it
 * to add cases, never to re-record old ones): npx tsx test/support/record-interpreter-histories.ts
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { workflowsPath } from '../../worker/main.js';
import { startStackWith, type Stack } from './stack-core.js';
import { publishVariant } from './config.js';
import { createRecord, expenseEntity, openTaskOf, processIn, startProcess } from './processes.js';
import { eventually } from './http.js';
import { replayCorpusProcesses } from './replay-corpus-processes.js';

const out = fileURLToPath(new URL('../replay/histories/', import.meta.url));
const testServer = fileURLToPath(new URL('../../.tools/bin/temporal-test-server', import.meta.url));
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error };
const day = 86_400_000;

type Drive = (stack: Stack, env: TestWorkflowEnvironment, recordId: string, processId: string) => Promise<void>;

const answer = async (stack: Stack, user: string, recordId: string, step: string, body: Record<string, unknown> = {}) => {
  const client = await stack.as(user);
  const task = await openTaskOf(client, recordId, step, 10_000);
  const res = await client.post(`/api/tasks/${task.id}/complete`, body);
  if (res.status !== 200) throw new Error(`answer ${step}: ${res.status} ${JSON.stringify(res.body)}`);
};

const listening = (stack: Stack, processId: string, event: string) => eventually(async () =>
  (await (await stack.as('admin')).get(`/api/processes/${encodeURIComponent(processId)}`)).body.listening?.includes(event), 10_000);

/** Each case: a process of replay-corpus-processes.ts and how to drive it to its end. */
const cases: Record<string, Drive> = {
  'task-and-approval': async (stack, _env, recordId) => {
    await answer(stack, 'branchmgr', recordId, 'manager', { outcome: 'approve' });
    await answer(stack, 'sales1', recordId, 'receipts', { data: { receiptCount: 2 } });
  },
  'actions-and-table': async () => undefined,
  'timers-and-events': async (stack, env, _recordId, processId) => {
    await env.sleep(day + 60_000);
    await listening(stack, processId, 'customer_feedback');
    await (await stack.as('sales1')).post(`/api/processes/${encodeURIComponent(processId)}/events/customer_feedback`, { comment: 'fine' });
    await listening(stack, processId, 'second_look');
    await env.sleep(3 * day);
  },
  'parallel-loop-boundary': async (stack, env, recordId, processId) => {
    await answer(stack, 'finance', recordId, 'finance-look');
    await env.sleep(2 * day + 60_000);
    await listening(stack, processId, 'payment_received');
    await (await stack.as('sales1')).post(`/api/processes/${encodeURIComponent(processId)}/events/payment_received`, {});
  },
  subprocess: async (stack, _env, recordId) => {
    await answer(stack, 'sales1', recordId, 'child-task');
  },
  // an action reading another record (patch action-read-record)
  'read-record': async () => undefined,
  // the same process recorded again once a task's row and notice were written by one local activity
  'task-and-approval-opened-in-one-activity': async (stack, env, recordId, processId) => cases['task-and-approval'](stack, env, recordId, processId),
};
/** Cases that record an existing corpus process again, under a later patch. */
const processOf: Record<string, string> = { 'task-and-approval-opened-in-one-activity': 'task-and-approval' };

async function main() {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer } } });
  const bundlePath = fileURLToPath(new URL('../../data/record-bundle.js', import.meta.url));
  mkdirSync(out, { recursive: true });
  writeFileSync(bundlePath, (await bundleWorkflowCode({ workflowsPath, logger: quiet })).code);
  const stack = await startStackWith({ temporalAddress: env.address, workflowBundlePath: bundlePath });
  try {
    await publishVariant(stack, (bundle) => {
      bundle.entities.expense = expenseEntity;
      Object.assign(bundle, replayCorpusProcesses(bundle));
    });
    const sales1 = await stack.as('sales1');
    for (const [name, drive] of Object.entries(cases)) {
      const file = `${out}interpreter-${name}.json`;
      if (existsSync(file)) continue; // the corpus is append-only
      const recordId = await createRecord(sales1, 'expense', { title: name, amount: 2500, dueDate: new Date(await env.currentTimeMs() + 10 * day).toISOString().slice(0, 10) });
      const processId = await startProcess(sales1, `corpus-${processOf[name] ?? name}`, 'expense', recordId);
      await drive(stack, env, recordId, processId);
      const ended = await processIn(sales1, processId, undefined, 30_000);
      if (ended.status !== 'completed') throw new Error(`${name} ended ${ended.status}: ${JSON.stringify(ended.error)}`);
      const history = await stack.flow.client.workflow.getHandle(processId).fetchHistory();
      writeFileSync(file, `{"workflowId": ${JSON.stringify(processId)}, "history": ${historyToJSON(history)}}\n`);
      console.log(`recorded ${file}`);
    }
  } finally {
    await stack.stop();
    await env.teardown();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
