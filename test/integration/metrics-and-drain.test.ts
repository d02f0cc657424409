/**
 * /metrics on the API and on the worker's own port; JSON logs in production; SIGTERM drains the API (requests in
 * flight finish, nothing half-answered) and the worker (it stops polling, activities in flight finish, it exits 0).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { startStack, type Stack } from '../support/stack.js';
import { inboxTaskFor, quoteData, submitQuote } from '../support/quotes.js';
import { eventually, HttpClient } from '../support/http.js';
import { startApiProcess, startWorkerProcess, type ServiceEnv } from '../support/services.js';
import { getFreePort } from '../../scripts/lib/ports.js';

let stack: Stack;
let env: ServiceEnv;
beforeAll(async () => {
  stack = await startStack({ worker: false });
  env = { databaseUrl: stack.databaseUrl, temporalAddress: stack.temporalAddress, taskQueue: stack.taskQueue, workflowBundlePath: inject('workflowBundlePath') };
});
afterAll(async () => {
  await stack?.stop();
});

/** The value of one sample of a Prometheus text answer, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

async function login(url: string, username: string): Promise<HttpClient> {
  const res = await new HttpClient(url).post('/api/auth/login', { username, password: 'demo' });
  return new HttpClient(url, res.body.token);
}

describe('metrics, logs and draining shutdown', { timeout: 120_000 }, () => {
  it('the worker process serves its metrics on its own port, counts activities and task latency, and drains on SIGTERM', async () => {
    const port = await getFreePort();
    const worker = await startWorkerProcess({ ...env, extra: { FLOWCRM_WORKER_METRICS_PORT: String(port), FLOWCRM_WORKER_METRICS_HOST: '127.0.0.1' } });
    try {
      const sales1 = await stack.as('sales1');
      const branchmgr = await stack.as('branchmgr');
      const { recordId } = await submitQuote(sales1, 25, 200_000);
      const task = await inboxTaskFor(branchmgr, recordId, 20_000);
      expect((await branchmgr.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, { outcome: 'approve' })).status).toBe(200);
      const text = await eventually(async () => {
        const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        return sample(body, 'flowcrm_task_latency_seconds_count', { kind: 'approval', outcome: 'approve' }) >= 1 ? body : undefined;
      }, 20_000, 200);
      expect(sample(text, 'flowcrm_activity_duration_seconds_count', { activity: 'openAnnouncedTask', result: 'ok' })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'flowcrm_activity_duration_seconds_count', { activity: 'closeTask', result: 'ok' })).toBeGreaterThanOrEqual(1);
      expect(text).toContain('process_resident_memory_bytes');
      // the worker's logs are JSON lines in production
      const lines = worker.output().split('\n').filter((l) => l.startsWith('{'));
      expect(lines.map((l) => JSON.parse(l).msg)).toContain('worker running');
    } finally {
      worker.kill('SIGTERM');
    }
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toContain('worker stopped');
  });

  it('the API process answers /metrics (token when configured) and drains on SIGTERM: every request in flight gets its answer', async () => {
    const api = await startApiProcess({ ...env, extra: { LOG_LEVEL: 'info', FLOWCRM_METRICS_TOKEN: 'scrape-me' } });
    const sales1 = await login(api.url, 'sales1');
    expect((await sales1.post('/api/records/quote', quoteData(5, 500, 'drain-warmup'))).status).toBe(201);
    expect((await fetch(`${api.url}/metrics`)).status).toBe(401);
    const metrics = await (await fetch(`${api.url}/metrics`, { headers: { authorization: 'Bearer scrape-me' } })).text();
    expect(sample(metrics, 'flowcrm_http_requests_total', { method: 'POST', route: '/api/records/:entity', status: '201' })).toBe(1);
    expect(metrics).toContain('flowcrm_http_request_duration_seconds_bucket');

    const names = Array.from({ length: 40 }, (_, i) => `drain-${process.pid}-${i}`);
    const answers = names.map((name) => sales1.post('/api/records/quote', quoteData(5, 500, name)).then(
      (res) => ({ name, status: res.status, error: '' }),
      (error: Error) => ({ name, status: 0, error: String((error.cause as { code?: string } | undefined)?.code ?? error.message) }),
    ));
    await new Promise((r) => setTimeout(r, 30));
    api.kill('SIGTERM');
    const settled = await Promise.all(answers);
    const code = await api.exited;
    if (code !== 0) console.log(api.output().slice(-3000));
    expect(code).toBe(0);
    const byStatus = settled.reduce<Record<string, number>>((acc, a) => ({ ...acc, [a.status || a.error]: (acc[a.status || a.error] ?? 0) + 1 }), {});
    console.log(`answers during SIGTERM: ${JSON.stringify(byStatus)}`);
    expect(settled.filter((a) => a.status !== 201 && a.status !== 503 && !['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET'].includes(a.error))).toEqual([]);
    expect(settled.filter((a) => a.status === 201).length).toBeGreaterThan(0);
    const db = new pg.Client(stack.databaseUrl);
    await db.connect();
    const stored = new Set((await db.query<{ name: string }>(`select data->>'customerName' as name from records where data->>'customerName' like $1`, [`drain-${process.pid}-%`])).rows.map((r) => r.name));
    await db.end();
    // answered 201 and stored; or 503 while closing, or refused or reset before it reached a handler (a request sent
    // on a kept-alive connection the closing server had just ended): then nothing was written. None cut off half-way.
    expect(settled.filter((a) => a.status === 201 && !stored.has(a.name))).toEqual([]);
    expect(settled.filter((a) => a.status !== 201 && stored.has(a.name))).toEqual([]);
    const logs = api.output().split('\n').filter((l) => l.trim());
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.filter((l) => { try { JSON.parse(l); return false; } catch { return true; } })).toEqual([]);
    expect(logs.map((l) => JSON.parse(l).msg)).toContain('SIGTERM: draining');
  });
});
