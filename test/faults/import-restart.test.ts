/**
 * Fault: the API that runs a background import is killed -9 midway; another API process on the same database resumes
 * the job from its committed progress. Every row must be imported exactly once, and the job must say so.
 * Reduced size in `npm test`; `npm run test:faults` (FLOWCRM_FAULTS=full) runs the full size.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { quoteData } from '../support/quotes.js';
import { eventually, HttpClient } from '../support/http.js';
import { startApiProcess, type Service } from '../support/services.js';

const full = process.env.FLOWCRM_FAULTS === 'full';
const rows = full ? 5000 : 500; // chunks of 100 rows commit with their progress: the kill lands after the first
let stack: Stack;
const services: Service[] = [];
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  for (const service of services) service.kill('SIGKILL');
  await stack?.stop();
});

describe(`an import job survives the API that ran it (${full ? 'full' : 'reduced'} size)`, { timeout: 300_000 }, () => {
  it('resumes on another API after a kill -9 and imports every row once', async () => {
    const env = { databaseUrl: stack.databaseUrl, temporalAddress: stack.temporalAddress, taskQueue: stack.taskQueue, workflowBundlePath: inject('workflowBundlePath') };
    const first = await startApiProcess(env);
    services.push(first);
    const login = async (url: string) => new HttpClient(url, (await new HttpClient(url).post('/api/auth/login', { username: 'sales1', password: 'demo' })).body.token);
    const marker = `import-${process.pid}`;
    const body = Array.from({ length: rows }, (_, i) => quoteData(5, 500, `${marker}-${i}`));
    const started = await (await login(first.url)).request('POST', '/api/records/quote/import?mode=valid-only', body);
    expect(started.status).toBe(202);
    const jobUrl = `/api/records/quote/import/${started.body.job}`;

    const db = new pg.Client(stack.databaseUrl);
    await db.connect();
    const progress = async () => (await db.query<{ processed: number }>(`select processed from import_jobs where id = $1`, [started.body.job])).rows[0].processed;
    await eventually(async () => (await progress()) > 0, 120_000, 50);
    first.kill('SIGKILL');
    await first.exited;
    const killedAt = await progress();

    const second = await startApiProcess(env);
    services.push(second);
    const client = await login(second.url);
    const done = await eventually(async () => {
      const res = await client.get(jobUrl);
      return res.body.status === 'running' ? null : res.body;
    }, 240_000, 500);
    const counts = (await db.query<{ name: string; n: string }>(
      `select data->>'customerName' as name, count(*) as n from records where entity = 'quote' and data->>'customerName' like $1 group by 1`, [`${marker}-%`])).rows;
    await db.end();
    const lost = rows - counts.length;
    const duplicated = counts.filter((c) => Number(c.n) > 1).length;
    console.log(`rows = ${rows}, API killed at ${killedAt} committed, job: ${JSON.stringify({ ...done, errors: done.errors.length })}`);
    console.log(`lost = ${lost}`);
    console.log(`duplicated = ${duplicated}`);
    expect(killedAt).toBeLessThan(rows); // the kill came midway
    expect(done).toMatchObject({ status: 'completed', total: rows, processed: rows, imported: rows, failed: 0 });
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
  });
});
