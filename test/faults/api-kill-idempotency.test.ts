/**
 * Fault: kill -9 of the API while clients send record creates and process starts that carry an `Idempotency-Key`
 * and retry every failure (connection refused or reset, 503, 409 in progress) with the same key until they get an
 * answer. A second API process comes up on the same port. Every write must land exactly once, and a retry after the
 * storm answers with the first answer.
 * Reduced size in `npm test`; `npm run test:faults` (FLOWCRM_FAULTS=full) runs the full size.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { quoteData } from '../support/quotes.js';
import { HttpClient } from '../support/http.js';
import { startApiProcess, type Service } from '../support/services.js';

const full = process.env.FLOWCRM_FAULTS === 'full';
const size = full ? { writes: 400, clients: 8 } : { writes: 80, clients: 4 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let stack: Stack;
let api: (Service & { url: string; port: number }) | undefined;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  api?.kill('SIGKILL');
  await stack?.stop();
});

interface Write {
  name: string;
  key: string;
  startKey: string;
  recordId?: string;
  processId?: string;
  attempts: number;
  inDoubt: number;
}

describe(`API killed -9 during retried POSTs with Idempotency-Key (${full ? 'full' : 'reduced'} size)`, { timeout: 240_000 }, () => {
  it('creates every record and starts every process exactly once', async () => {
    const env = { databaseUrl: stack.databaseUrl, temporalAddress: stack.temporalAddress, taskQueue: stack.taskQueue, workflowBundlePath: inject('workflowBundlePath') };
    api = await startApiProcess(env);
    const { url, port } = api;
    const token = (await new HttpClient(url).post('/api/auth/login', { username: 'sales1', password: 'demo' })).body.token as string;
    const client = new HttpClient(url, token);

    /** POSTs until an answer that is not a failure a retry may repair; counts the attempts whose outcome was unknown. */
    const retried = async (write: Write, path: string, body: unknown, key: string) => {
      for (;;) {
        write.attempts++;
        try {
          const res = await client.post(path, body, { 'idempotency-key': key });
          if (res.status !== 503 && res.status !== 409) return res;
          if (res.status === 409 && res.body?.error?.code !== 'IDEMPOTENCY_KEY_IN_PROGRESS') return res;
        } catch {
          write.inDoubt++; // refused (API down) or reset mid-request: the write may or may not have happened
        }
        await sleep(100);
      }
    };

    const writes: Write[] = Array.from({ length: size.writes }, (_, i) => ({ name: `kill-${process.pid}-${i}`, key: randomUUID(), startKey: randomUUID(), attempts: 0, inDoubt: 0 }));
    let next = 0;
    let done = 0;
    const worker = async () => {
      for (let w = writes[next++]; w; w = writes[next++]) {
        const created = await retried(w, '/api/records/quote', quoteData(5, 500, w.name), w.key);
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        w.recordId = created.body.id;
        const started = await retried(w, '/api/processes', { process: 'quote-approval', entity: 'quote', recordId: w.recordId }, w.startKey);
        expect(started.status, JSON.stringify(started.body)).toBe(201);
        w.processId = started.body.id;
        done++;
      }
    };
    const clients = Array.from({ length: size.clients }, worker);

    while (done < size.writes / 3) await sleep(20);
    const killedAt = done;
    api.kill('SIGKILL');
    await api.exited;
    api = await startApiProcess(env, port);
    await Promise.all(clients);

    const db = new pg.Client(stack.databaseUrl);
    await db.connect();
    const records = (await db.query<{ id: string; name: string }>(
      `select id, data->>'customerName' as name from records where entity = 'quote' and data->>'customerName' like $1`, [`kill-${process.pid}-%`])).rows;
    const runs = (await db.query<{ record_id: string; n: string }>(
      `select record_id, count(*) as n from process_instances where record_id = any($1::uuid[]) group by record_id`, [records.map((r) => r.id)])).rows;
    await db.end();
    const perName = new Map<string, number>();
    for (const r of records) perName.set(r.name, (perName.get(r.name) ?? 0) + 1);
    const runsPerRecord = new Map(runs.map((r) => [r.record_id, Number(r.n)]));
    const lost = writes.filter((w) => !records.some((r) => r.id === w.recordId && r.name === w.name) || !runsPerRecord.has(w.recordId!)).length;
    const duplicated = [...perName.values()].filter((n) => n > 1).length + [...runsPerRecord.values()].filter((n) => n > 1).length;
    const inDoubt = writes.reduce((n, w) => n + w.inDoubt, 0);
    console.log(`writes = ${size.writes} (record + process start each), killed after ${killedAt}, attempts = ${writes.reduce((n, w) => n + w.attempts, 0)}, in doubt (connection failed) = ${inDoubt}`);
    console.log(`lost = ${lost}`);
    console.log(`duplicated = ${duplicated}`);
    expect(inDoubt).toBeGreaterThan(0); // the kill was felt by clients mid-stream
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);

    // after the storm, a retry of any write answers with the first answer
    for (const w of writes.slice(0, 10)) {
      const again = await client.post('/api/records/quote', quoteData(5, 500, w.name), { 'idempotency-key': w.key });
      expect([again.status, again.body.id, again.headers.get('idempotent-replayed')]).toEqual([201, w.recordId, 'true']);
    }
  });
});
