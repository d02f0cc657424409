/**
 * Record create benchmark (issue 12): `POST /api/records/quote` through the real API (JWT, schema validation,
 * computed fields, numbering, audit entry sealed into the hash chain, one transaction) against a bare Fastify + pg
 * server inserting the same jsonb row into a copy of the records table (same columns and indexes), both on HTTP on
 * this machine, in the same run, alternating rounds. Load: a closed loop of CONNECTIONS keep-alive connections, one
 * request in flight on each (no pipelining), from a worker thread. Not part of npm test.
 *   npx tsx bench/record-create.ts      (DURATION_MS=10000 per round, ROUNDS=2, CONNECTIONS=10; BENCH_DATABASE_URL)
 *   Each round also prints the CPU time per request of this process and of the scratch database's backends.
 *   UNCHAINED=1 adds a diagnostic round with the audit seal trigger disabled (what the hash chain costs here).
 *   PROFILE=/tmp/create.cpuprofile npx tsx bench/record-create.ts   (CPU profile of the server's thread during the
 *   flowcrm rounds only, summarised by bench/lib/cpu-profile.ts)
 */
import os from 'node:os';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import pg from 'pg';
import { createOrm, migrate } from '../engine/db/orm.js';
import { seedDemo } from '../engine/db/seed.js';
import { buildApp } from '../engine/api/app.js';
import type { FlowClient } from '../engine/temporal/client.js';
import { httpLoad, type LoadResult } from './lib/http-load.js';
import { summarise } from './lib/cpu-profile.js';
import { countCpu } from './lib/cpu-accounting.js';
import { quoteBodies, startBareCreateServer } from './lib/bare-create.js';
import { createTestDatabase } from '../test/support/database.js';

const DURATION_MS = Number(process.env.DURATION_MS ?? 10_000);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10);
const PROFILE = process.env.PROFILE;
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const bodies = quoteBodies;

async function main() {
  const database = await createTestDatabase(adminUrl);
  const orm = await createOrm({ databaseUrl: database.url, poolSize: CONNECTIONS });
  const pool = new pg.Pool({ connectionString: database.url, max: CONNECTIONS });
  const apps: { close(): Promise<unknown> }[] = [];
  try {
    await migrate(orm);
    await seedDemo(orm.em.fork());
    // The floor: parse the JSON body, insert the row, answer 201 with it.
    const { app: bare, url: bareUrl } = await startBareCreateServer(pool);
    apps.push(bare);

    const app = await buildApp({ orm, flow: {} as FlowClient, jwtSecret: 'bench-secret' });
    const apiUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    apps.push(app);
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'sales1', password: 'demo' } });
    const token = (login.json() as { token: string }).token;

    const run = (side: 'bare' | 'flowcrm', durationMs: number) => side === 'bare'
      ? httpLoad({ url: `${bareUrl}/bare/quote`, bodies, connections: CONNECTIONS, durationMs })
      : httpLoad({ url: `${apiUrl}/api/records/quote`, headers: { authorization: `Bearer ${token}` }, bodies, connections: CONNECTIONS, durationMs });
    const sides = PROFILE ? (['flowcrm'] as const) : (['bare', 'flowcrm'] as const);
    for (const side of sides) await run(side, 3000); // warm-up: JIT, pools, caches
    const rounds: Record<string, LoadResult[]> = { bare: [], flowcrm: [] };
    const profiler = await startProfiler(!!PROFILE);
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of sides) {
        const cpu = await countCpu(pool);
        const result = await run(side, DURATION_MS);
        const spent = await cpu.stop();
        const bad = Object.entries(result.statuses).filter(([status]) => status !== '201');
        if (bad.length) throw new Error(`${side}: answers other than 201: ${JSON.stringify(result.statuses)}`);
        rounds[side].push(result);
        console.log(`round ${round + 1} ${side}: ${result.perSecond} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms (${result.requests} requests);`
          + ` CPU per request: this process ${perRequest(spent.processMs, result)} ms, database backends ${perRequest(spent.databaseMs, result)} ms`);
      }
    }
    const total = (side: string) => {
      const rs = rounds[side];
      const requests = rs.reduce((n, r) => n + r.requests, 0);
      return { perSecond: Math.round(rs.reduce((n, r) => n + r.perSecond, 0) / rs.length), requests, p50: median(rs.map((r) => r.latency.p50)), p99: median(rs.map((r) => r.latency.p99)) };
    };
    const f = total('flowcrm');
    if (process.env.UNCHAINED) {
      // Diagnostic only: the same creates with the audit seal trigger off (rows still written, not chained).
      await pool.query('alter table audit_entries disable trigger audit_entries_seal');
      const result = await run('flowcrm', DURATION_MS);
      await pool.query('alter table audit_entries enable trigger audit_entries_seal');
      console.log(`diagnostic, flowcrm without the audit seal: ${result.perSecond} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`);
    }
    if (PROFILE) {
      const profile = await profiler.stop();
      writeFileSync(PROFILE, JSON.stringify(profile));
      console.log(JSON.stringify({ flowcrm: f }));
      console.log(summarise(profile as never, 30));
      return;
    }
    const b = total('bare');
    const ratio = Math.round((f.perSecond / b.perSecond) * 100) / 100;
    const p99Ratio = Math.round((f.p99 / b.p99) * 100) / 100;
    console.log(`bare Fastify + pg: ${b.perSecond} req/s, p50 ${b.p50} ms, p99 ${b.p99} ms`);
    console.log(`flowcrm API:       ${f.perSecond} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms`);
    console.log(`ratio: throughput ${ratio} (target >= 0.60), p99 ${p99Ratio}x bare (target <= 3)`);
    console.log(JSON.stringify({ connections: CONNECTIONS, durationMs: DURATION_MS, rounds: ROUNDS, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, load: os.loadavg(), bare: b, flowcrm: f, ratio, p99Ratio }));
  } finally {
    for (const app of apps.reverse()) await app.close();
    await pool.end();
    await orm.close();
    await database.drop();
  }
}

/** Samples this thread (the servers') while the load runs in its worker thread. */
async function startProfiler(on: boolean): Promise<{ stop(): Promise<unknown> }> {
  if (!on) return { stop: async () => null };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return { stop: async () => (await session.post('Profiler.stop')).profile };
}

function perRequest(ms: number, result: LoadResult): number {
  return Math.round((ms / Math.max(1, result.requests)) * 1000) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
