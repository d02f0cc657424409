/**
 * Fault: PostgreSQL stops abruptly (immediate shutdown, like a crash) under a stream of record creates, stays down
 * for a while, then comes back. The API must answer only 201 or 503 UNAVAILABLE (with Retry-After), never 500,
 * recover by itself, and keep every acknowledged write exactly once.
 * The database is an embedded PostgreSQL this file owns, so stopping it disturbs nobody else.
 * Reduced size in `npm test`; `npm run test:faults` (FLOWCRM_FAULTS=full) runs the full size.
 */
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../scripts/lib/embedded-postgres.js';
import { repoRoot } from '../../scripts/lib/temporal-cli.js';
import { startStackWith, type Stack } from '../support/stack-core.js';
import { quoteData } from '../support/quotes.js';
import { eventually, type HttpClient } from '../support/http.js';

const full = process.env.FLOWCRM_FAULTS === 'full';
// before and after the outage the stream runs until that many creates were acknowledged, however slow the machine
const size = full ? { clients: 8, outageMs: 5000, before: 40, after: 40 } : { clients: 4, outageMs: 1500, before: 8, after: 8 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = path.join(repoRoot, 'data', 'test-run', `faults-postgres-${process.pid}`);
let server: EmbeddedPostgres;
let stack: Stack;

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  server = await startEmbeddedPostgres(dir); // durable defaults (fsync on): what a crash may lose is the point
  stack = await startStackWith({
    temporalAddress: inject('temporalAddress'),
    workflowBundlePath: inject('workflowBundlePath'),
    adminDatabaseUrl: server.url,
  });
});

afterAll(async () => {
  await stack?.stop();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  marker: string;
  status: number;
  code?: string;
  retryAfter: string | null;
  id?: string;
  at: number;
}

describe(`PostgreSQL stopped abruptly under record creates (${full ? 'full' : 'reduced'} size)`, { timeout: 120_000 }, () => {
  it('answers 201 or 503 UNAVAILABLE with Retry-After, recovers by itself, loses and duplicates nothing', async () => {
    const sales1: HttpClient = await stack.as('sales1');
    const anonymous = stack.anonymous();
    expect((await anonymous.get('/ready')).status).toBe(200); // as a load balancer's probe would have seen it
    const answers: Answer[] = [];
    let running = true;
    let seq = 0;
    const t0 = Date.now();
    const stream = async () => {
      while (running) {
        const marker = `fault-${process.pid}-${seq++}`;
        try {
          const res = await sales1.post('/api/records/quote', quoteData(5, 500, marker));
          const body = res.body as { id?: string; error?: { code: string } };
          answers.push({ marker, status: res.status, code: body?.error?.code, retryAfter: res.headers.get('retry-after'), id: body?.id, at: Date.now() - t0 });
        } catch (err) {
          answers.push({ marker, status: 0, code: (err as Error).message, retryAfter: null, at: Date.now() - t0 });
        }
        if (answers.at(-1)!.status === 503) await sleep(50); // a polite client backs off a little
      }
    };
    const streams = Array.from({ length: size.clients }, stream);

    const acknowledgedSince = (at: number) => answers.filter((a) => a.status === 201 && a.at > at).length;
    await eventually(async () => acknowledgedSince(0) >= size.before, 60_000, 20);
    const killedAt = Date.now() - t0;
    await server.kill(); // immediate shutdown: backends die mid-statement
    await sleep(size.outageMs / 2);
    const [healthDown, readyDown] = await Promise.all([anonymous.get('/health'), anonymous.get('/ready')]);
    await sleep(size.outageMs / 2);
    const restartedAt = Date.now() - t0;
    server = await startEmbeddedPostgres(dir, { port: server.port });
    await eventually(async () => acknowledgedSince(restartedAt) >= size.after, 60_000, 20);
    running = false;
    await Promise.all(streams);

    const byStatus = answers.reduce<Record<string, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {});
    console.log(`answers: ${JSON.stringify(byStatus)}; killed at ${killedAt} ms, restarted at ${restartedAt} ms`);
    expect(answers.filter((a) => a.status !== 201 && a.status !== 503)).toEqual([]);
    const refused = answers.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThan(0); // the outage was seen
    expect(refused.filter((a) => a.code !== 'UNAVAILABLE' || a.retryAfter !== '2')).toEqual([]);
    expect(answers.filter((a) => a.status === 201 && a.at < killedAt).length).toBeGreaterThan(0);
    const recovered = answers.filter((a) => a.status === 201 && a.at > restartedAt);
    expect(recovered.length).toBeGreaterThan(0); // back by itself, no restart of the API or the worker

    // No connection stays checked out of the API's pool: ones cut during a COMMIT are given back (pool-guard.ts).
    const pool = (await stack.orm.em.getConnection().getNativeClient()) as pg.Pool;
    const leaked = await eventually(async () => (pool.totalCount === pool.idleCount ? 'none' : undefined), 5000).catch(
      () => `${pool.totalCount - pool.idleCount} of ${pool.totalCount} still checked out`,
    );
    expect(leaked).toBe('none');

    expect([healthDown.status, healthDown.body]).toEqual([503, { status: 'degraded', db: 'down', temporal: 'ok' }]);
    expect([readyDown.status, readyDown.body]).toEqual([503, { status: 'not_ready', db: 'down', temporal: 'ok', migrations: 'ok' }]);
    const [health, ready] = await Promise.all([anonymous.get('/health'), anonymous.get('/ready')]);
    expect(health.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', db: 'ok', temporal: 'ok', migrations: 'ok' });

    const client = new pg.Client(stack.databaseUrl);
    await client.connect();
    const rows = (await client.query<{ id: string; marker: string }>(
      `select id, data->>'customerName' as marker from records where entity = 'quote' and data->>'customerName' like $1`,
      [`fault-${process.pid}-%`],
    )).rows;
    await client.end();
    const count = new Map<string, number>();
    for (const r of rows) count.set(r.marker, (count.get(r.marker) ?? 0) + 1);
    const ids = new Set(rows.map((r) => r.id));
    const acknowledged = answers.filter((a) => a.status === 201);
    const lost = acknowledged.filter((a) => !count.has(a.marker) || !ids.has(a.id!)).length;
    const duplicated = [...count.values()].filter((n) => n > 1).length;
    const committedButRefused = refused.filter((a) => count.has(a.marker)).length;
    console.log(`acknowledged = ${acknowledged.length}, refused = ${refused.length}, committed but answered 503 = ${committedButRefused}`);
    console.log(`lost = ${lost}`);
    console.log(`duplicated = ${duplicated}`);
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
  });
});
