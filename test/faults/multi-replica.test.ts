/**
 * More than one machine: two API processes and two worker processes on the same Temporal server, task queue and
 * PostgreSQL. Quote approvals are spread over both APIs (half approve themselves, half wait for the branch
 * manager); one worker is killed -9 midway. Both workers must have done work (their own /metrics say so), every
 * process must end approved, and no effect may have happened twice (the audit ledger of each record, its tasks and
 * its notifications).
 * Reduced size (60 processes) in `npm test`; `npm run test:faults` (FLOWCRM_FAULTS=full) runs the full size (200).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { quoteData } from '../support/quotes.js';
import { eventually, HttpClient } from '../support/http.js';
import { startApiProcess, startWorkerProcess, type Service, type ServiceEnv } from '../support/services.js';
import { getFreePort } from '../../scripts/lib/ports.js';

const full = process.env.FLOWCRM_FAULTS === 'full';
const total = full ? 200 : 60;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let stack: Stack;
const services: Service[] = [];
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  for (const service of services) service.kill('SIGKILL');
  await stack?.stop();
});

async function activitiesRun(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith('flowcrm_activity_duration_seconds_count{') && l.includes('result="ok"'))
    .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
}

/** Distinct worker identities (pid@host) long-polling the task queue for workflow tasks. */
async function workflowPollers(): Promise<number> {
  const queue = await stack.flow.client.workflowService.describeTaskQueue({
    namespace: 'default', taskQueue: { name: stack.taskQueue }, taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
  });
  return new Set((queue.pollers ?? []).map((p) => p.identity)).size;
}

async function login(url: string, username: string) {
  const res = await new HttpClient(url).post('/api/auth/login', { username, password: 'demo' });
  return new HttpClient(url, res.body.token);
}

describe('two APIs and two workers share the work', { timeout: 900_000 }, () => {
  it(`spreads ${total} processes, survives one worker killed -9, and no effect happens twice`, async () => {
    const env: ServiceEnv = { databaseUrl: stack.databaseUrl, temporalAddress: stack.temporalAddress, taskQueue: stack.taskQueue, workflowBundlePath: inject('workflowBundlePath') };
    const ports = [await getFreePort(), await getFreePort()];
    const startWorker = (port: number) => startWorkerProcess({ ...env, extra: { FLOWCRM_WORKER_METRICS_PORT: String(port), FLOWCRM_WORKER_METRICS_HOST: '127.0.0.1' } });
    // Worker 1 starts alone and takes the first quarter of the starts; worker 2 joins before the rest are submitted.
    // Started together, on a quiet machine one of them could take every start before the other's pollers arrived.
    const [api1, api2, worker1] = await Promise.all([startApiProcess(env), startApiProcess(env), startWorker(ports[0])]);
    services.push(api1, api2, worker1);
    const bothPolling = (async () => {
      await eventually(async () => (await activitiesRun(ports[0])) > 0, 120_000, 100);
      services.push(await startWorker(ports[1]));
      await eventually(async () => (await workflowPollers()) >= 2, 60_000, 200);
    })();
    bothPolling.catch(() => undefined); // its failure reaches the test through the submitters that await it
    const apis = [api1, api2];
    const sales = await Promise.all(apis.map((a) => login(a.url, 'sales1')));
    const managers = await Promise.all(apis.map((a) => login(a.url, 'branchmgr')));

    const recordIds: string[] = [];
    const needsApproval = new Set<string>();
    let killedWorker1At = -1;
    let worker1Activities = 0;
    let next = 0;
    const submitter = async () => {
      for (let i = next++; i < total; i = next++) {
        if (i >= total / 4) await bothPolling;
        const client = sales[i % 2];
        const approval = i % 2 === 1;
        const created = await client.post('/api/records/quote', approval ? quoteData(15, 40_000, `multi-${i}`) : quoteData(5, 500, `multi-${i}`));
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        const started = await client.post('/api/processes', { process: 'quote-approval', entity: 'quote', recordId: created.body.id });
        expect(started.status, JSON.stringify(started.body)).toBe(201);
        recordIds.push(created.body.id);
        if (approval) needsApproval.add(created.body.id);
      }
    };
    let failure: unknown;
    const submitting = Promise.all(Array.from({ length: 4 }, submitter)).catch((error: unknown) => (failure = error));
    // worker 1 has done work before a quarter was submitted (bothPolling): kill it once half are submitted
    while (!failure && recordIds.length < total / 2) await sleep(50);
    if (failure) throw failure;
    worker1Activities = await activitiesRun(ports[0]);
    killedWorker1At = recordIds.length;
    worker1.kill('SIGKILL');
    await worker1.exited;
    const t0 = Date.now();
    await submitting;
    if (failure) throw failure;
    const phase = (what: string) => console.log(`${what} after ${Math.round((Date.now() - t0) / 1000)} s`);
    phase(`${total} submitted`);

    // the branch manager decides every waiting approval, through either API
    const decided = new Set<string>();
    await eventually(async () => {
      const inbox = (await managers[0].get('/api/inbox?limit=500')).body.items as { id: string; recordId: string; status: string }[];
      const open = inbox.filter((t) => needsApproval.has(t.recordId) && !decided.has(t.recordId) && (t.status === 'open' || t.status === 'claimed'));
      await Promise.all(open.map(async (t, k) => {
        const res = await managers[k % 2].post(`/api/tasks/${encodeURIComponent(t.id)}/complete`, { outcome: 'approve' });
        if (res.status === 200) decided.add(t.recordId);
      }));
      return decided.size === needsApproval.size;
    }, 300_000, 500).catch(async (error: Error) => {
      const diag = new pg.Client(stack.databaseUrl);
      await diag.connect();
      const tasks = (await diag.query(`select status, count(*) as n from tasks where record_id = any($1::uuid[]) group by status`, [recordIds])).rows;
      const runs = (await diag.query(`select status, count(*) as n from process_instances where record_id = any($1::uuid[]) group by status`, [recordIds])).rows;
      await diag.end();
      throw new Error(`${error.message}: decided ${decided.size} of ${needsApproval.size}; tasks ${JSON.stringify(tasks)}; runs ${JSON.stringify(runs)}`);
    });
    phase(`${decided.size} decided`);

    const db = new pg.Client(stack.databaseUrl);
    await db.connect();
    const ended = await eventually(async () => {
      const rows = (await db.query<{ status: string; n: string }>(
        `select status, count(*) as n from process_instances where record_id = any($1::uuid[]) group by status`, [recordIds])).rows;
      const completed = Number(rows.find((r) => r.status === 'completed')?.n ?? 0);
      return completed === total ? rows : undefined;
    }, 300_000, 500).catch(() => undefined);
    phase('all ended');
    const approved = Number((await db.query(`select count(*) as n from records where id = any($1::uuid[]) and data->>'status' = 'approved'`, [recordIds])).rows[0].n);
    // the ledger: one status change to approved per record, one decision per approval, one task, one notice per recipient and kind
    const statusWrites = (await db.query<{ n: string }>(
      `select count(*) as n from audit_entries where record_id = any($1::uuid[]) and changes::text like '%"approved"%' group by record_id having count(*) > 1`, [recordIds])).rows.length;
    const decisions = (await db.query(`select record_id from audit_entries where record_id = any($1::uuid[]) and action = 'approve' group by record_id having count(*) > 1`, [recordIds])).rows.length;
    const tasks = (await db.query(`select record_id from tasks where record_id = any($1::uuid[]) group by record_id, step_id having count(*) > 1`, [recordIds])).rows.length;
    const notices = (await db.query(`select 1 from notifications n join tasks t on n.link->>'taskId' = t.id where t.record_id = any($1::uuid[]) group by n.recipient, n.kind, t.id having count(*) > 1`, [recordIds])).rows.length;
    await db.end();
    const worker2Activities = await activitiesRun(ports[1]);

    const lost = total - approved;
    const duplicated = statusWrites + decisions + tasks + notices;
    console.log(`processes = ${total} over 2 APIs, worker 1 killed -9 after ${killedWorker1At} submitted; activities run: worker 1 >= ${worker1Activities} (before the kill), worker 2 = ${worker2Activities}`);
    console.log(`ended: ${JSON.stringify(ended)}; duplicates: status writes ${statusWrites}, decisions ${decisions}, tasks ${tasks}, notices ${notices}`);
    console.log(`lost = ${lost}`);
    console.log(`duplicated = ${duplicated}`);
    expect(worker1Activities).toBeGreaterThan(0);
    expect(worker2Activities).toBeGreaterThan(0);
    expect(ended).toBeDefined();
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
  });
});
