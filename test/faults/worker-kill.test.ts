/**
 * Fault: the worker (its own OS process, as in production) is killed -9 while people decide approvals and complete
 * user tasks of many open processes, and a new worker comes up. Each process asks the requester's manager for an
 * approval, then gives the requester a form task, then writes the record. Deciders retry with `Idempotency-Key` on
 * 503 and lost connections until they get an answer. Every run must end, and every effect of it must exist exactly
 * once: the ledger is the effects' own tables, counted per run, step and visit (task rows, feed notifications,
 * webhook deliveries, audit entries of decisions and field changes).
 * Reduced size in `npm test`; `npm run test:faults` (FLOWCRM_FAULTS=full) runs the full size.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { publishVariant } from '../support/config.js';
import { expenseEntity } from '../support/processes.js';
import { startCanary, type Canary } from '../support/webhooks-canary.js';
import { eventually, type HttpClient } from '../support/http.js';
import { startWorkerProcess, type Service, type ServiceEnv } from '../support/services.js';

const full = process.env.FLOWCRM_FAULTS === 'full';
const size = full ? { runs: 500, deciders: 10 } : { runs: 40, deciders: 6 };
const waitMs = Math.max(120_000, size.runs * 1_000); // for all first tasks, then for every effect: a loaded machine is slow
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let stack: Stack;
let canary: Canary;
const workers: Service[] = [];
let running = true; // the deciders' loop; ended by the test, or by afterAll when it failed
beforeAll(async () => {
  process.env.FLOWCRM_WEBHOOK_ALLOWLIST = '127.0.0.1'; // read by the API when it starts
  [stack, canary] = await Promise.all([startStack({ worker: false }), startCanary('127.0.0.1')]);
});
afterAll(async () => {
  running = false;
  for (const worker of workers) worker.kill('SIGKILL');
  await stack?.stop();
  await canary?.close();
});

interface OpenTask { id: string; record_id: string; step_id: string }

describe(`worker killed -9 during in-flight approvals and user tasks (${full ? 'full' : 'reduced'} size)`, { timeout: 600_000 + 2 * waitMs }, () => {
  it('ends every run with every effect exactly once', async () => {
    const env: ServiceEnv = {
      databaseUrl: stack.databaseUrl, temporalAddress: stack.temporalAddress, taskQueue: stack.taskQueue,
      workflowBundlePath: inject('workflowBundlePath'), extra: { FLOWCRM_WEBHOOK_ALLOWLIST: '127.0.0.1' },
    };
    await publishVariant(stack, (bundle) => {
      bundle.entities.expense = expenseEntity;
      bundle.approvalChains['fault-manager'] = {
        entity: 'expense', steps: [{ id: 'manager', approvers: { managerOf: 'requester' } }],
        onSubmit: { set: { status: 'pending' } }, onApproved: { set: { status: 'approved' } }, onRejected: { set: { status: 'rejected' } },
      };
      bundle.processes['fault-expense'] = {
        entity: 'expense', trigger: { on: 'manual' }, steps: [
          { id: 'approve', type: 'approval', chain: 'fault-manager' },
          {
            id: 'receipts', type: 'task', title: { en: 'Upload your receipts' }, assignee: 'requester',
            form: { schema: { type: 'object', required: ['receiptCount'], properties: { receiptCount: { type: 'integer', minimum: 1 } } } },
            outputs: { receipts: 'form.receiptCount' },
          },
          { id: 'paid', type: 'action', action: 'set', set: { status: 'paid', receipts: { expr: 'vars.receipts.data.receiptCount' } } },
          { id: 'end', type: 'end', outcome: 'paid' },
        ],
      };
    });
    const admin = await stack.as('admin');
    const subscribed = await admin.post('/api/webhooks', { url: `${canary.url}/hooks`, events: ['task.created', 'task.completed', 'process.completed'] });
    expect(subscribed.status, JSON.stringify(subscribed.body)).toBe(201);
    const firstWorker = startWorkerProcess(env); // starts are accepted while it comes up
    const [sales1, branchmgr] = await Promise.all([stack.as('sales1'), stack.as('branchmgr')]);
    const deciderOf: Record<string, HttpClient> = { manager: branchmgr, receipts: sales1 };

    const t0 = Date.now();
    const phases: string[] = [];
    const phase = (what: string) => phases.push(`${what} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const recordIds: string[] = [];
    let next = 0;
    await Promise.all(Array.from({ length: 10 }, async () => {
      for (let i = next++; i < size.runs; i = next++) {
        const created = await sales1.post('/api/records/expense', { title: `worker-kill ${i}`, amount: 100 });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        const started = await sales1.post('/api/processes', { process: 'fault-expense', entity: 'expense', recordId: created.body.id });
        expect(started.status, JSON.stringify(started.body)).toBe(201);
        recordIds[i] = created.body.id;
      }
    }));

    const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 4 }); // the deciders poll it side by side
    db.on('error', () => undefined); // if the test fails, its database is dropped under the idle connections
    const openTasks = async () => (await db.query<OpenTask>(
      `select id, record_id, step_id from tasks where record_id = any($1::uuid[]) and status in ('open', 'claimed')`, [recordIds])).rows;
    workers.push(await firstWorker);
    phase('started');
    await eventually(async () => (await openTasks()).length === size.runs, waitMs, 200); // every run waits on its approval
    phase('all approvals open');

    // Deciders take open tasks in random order (approvals and, once approved, form tasks) until every run has ended.
    const taken = new Set<string>();
    const answers: Record<string, number> = {};
    const completions = 2 * size.runs;
    let completed = 0;
    const decide = async (task: OpenTask) => {
      const key = randomUUID();
      const body = task.step_id === 'manager' ? { outcome: 'approve' } : { data: { receiptCount: 3 } };
      for (let attempt = 0; running; attempt++) {
        let status: number | string;
        try {
          const res = await deciderOf[task.step_id].post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, body, { 'idempotency-key': key });
          status = res.status === 409 ? res.body?.error?.code : res.status;
        } catch {
          status = 'connection';
        }
        answers[status] = (answers[status] ?? 0) + 1;
        // 200, or already decided by an earlier attempt of ours whose answer was a 503
        if (status === 200 || (status === 'TASK_ALREADY_DECIDED' && attempt > 0)) return;
        expect([503, 'connection', 'IDEMPOTENCY_KEY_IN_PROGRESS'], `task ${task.id}`).toContain(status);
        await sleep(200);
      }
    };
    let failure: unknown;
    const decider = async () => {
      while (running) {
        const task = (await openTasks()).filter((t) => !taken.has(t.id)).sort(() => Math.random() - 0.5)[0];
        if (!task) {
          await sleep(100);
          continue;
        }
        taken.add(task.id);
        await decide(task);
        completed++;
      }
    };
    const deciding = Promise.all(Array.from({ length: size.deciders }, decider)).catch((error: unknown) => (failure = error));

    while (completed < completions / 3 && !failure) await sleep(20);
    const openAtKill = await openTasks();
    const inFlight = { approvals: openAtKill.filter((t) => t.step_id === 'manager').length, forms: openAtKill.filter((t) => t.step_id === 'receipts').length };
    const killedAt = completed;
    workers[0].kill('SIGKILL');
    await workers[0].exited;
    phase('killed');
    workers.push(await startWorkerProcess(env));
    phase('new worker running');

    // The ledger: every effect a run must have had exactly once, keyed per run, step and visit. Missing keys are lost
    // effects, keys seen more than once duplicated ones.
    const taskIds = `select id from tasks where record_id = any($1::uuid[])`;
    const processIds = `select id from process_instances where record_id = any($1::uuid[])`;
    const effects: Record<string, { perRun: number; keys: string }> = {
      runs: { perRun: 1, keys: `select record_id::text as key from process_instances where record_id = any($1::uuid[])` },
      paidRecords: { perRun: 1, keys: `select id::text as key from records where id = any($1::uuid[]) and data->>'status' = 'paid' and (data->>'receipts')::int = 3` },
      tasks: { perRun: 2, keys: `select record_id || ':' || step_id as key from tasks where record_id = any($1::uuid[])` },
      notifications: { perRun: 3, keys: `select recipient || ':' || kind || ':' || coalesce(link->>'taskId', link->>'processId') as key from notifications
        where link->>'taskId' in (${taskIds}) or (link->>'taskId' is null and link->>'processId' in (${processIds}))` },
      webhooks: { perRun: 3, keys: `select event || ':' || coalesce(payload->>'taskId', payload->>'processId') as key from webhook_deliveries
        where payload->>'taskId' in (${taskIds}) or (payload->>'taskId' is null and payload->>'processId' in (${processIds}))` },
      decisions: { perRun: 1, keys: `select record_id::text as key from audit_entries where record_id = any($1::uuid[]) and action = 'approve'` },
      fieldChanges: { perRun: 4, keys: `select record_id || ':' || f.key || '=' || (f.value->>'after') as key from audit_entries, jsonb_each(changes) f
        where record_id = any($1::uuid[]) and f.key in ('status', 'receipts')` },
    };
    const ledger = async () => {
      const lostBy: Record<string, number> = {};
      const duplicatedBy: Record<string, number> = {};
      for (const [name, effect] of Object.entries(effects)) {
        const [row] = (await db.query<{ keys: number; repeated: number }>(
          `select count(*)::int as keys, count(*) filter (where n > 1)::int as repeated from (select key, count(*) as n from (${effect.keys}) k group by key) g`,
          [recordIds])).rows;
        lostBy[name] = effect.perRun * size.runs - row.keys;
        duplicatedBy[name] = row.repeated;
      }
      return { lostBy, duplicatedBy };
    };
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    // the process.completed notification and webhook are a run's last effects: once all exist, every run has ended
    const { lostBy, duplicatedBy } = await eventually(async () => {
      if (failure) throw failure;
      const counts = await ledger();
      return sum(counts.lostBy) === 0 ? counts : undefined;
    }, waitMs, 500).catch(async () => {
      if (failure) throw failure;
      console.log(`not ended in time: ${completed} of ${completions} completions, answers ${JSON.stringify(answers)}, phases: ${phases.join(', ')}`);
      return ledger();
    });
    phase('all ended');
    running = false;
    await deciding;
    await db.end();
    if (failure) throw failure;

    const lost = sum(lostBy);
    const duplicated = sum(duplicatedBy);
    console.log(`runs = ${size.runs} (approval + form task each), worker killed -9 after ${killedAt} of ${completions} completions with ${inFlight.approvals} approvals and ${inFlight.forms} form tasks open; answers ${JSON.stringify(answers)}`);
    console.log(`phases: ${phases.join(', ')}`);
    console.log(`lost by effect ${JSON.stringify(lostBy)}; duplicated by effect ${JSON.stringify(duplicatedBy)}`);
    console.log(`lost = ${lost}`);
    console.log(`duplicated = ${duplicated}`);
    expect(inFlight.approvals + inFlight.forms).toBeGreaterThan(0);
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
  });
});
