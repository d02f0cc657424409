/**
 * Records list benchmark: 1,000,000 quote records in a scratch database, declared indexes on status and total,
 * then filter + sort + page of 50 through the real API (Fastify inject: auth, validation, CEL translation,
 * serialisation) against the same SQL run directly with pg, in the same run. Not part of `npm test`.
 *   npx tsx bench/records-list.ts            (ROWS=200000 for a quicker run; BENCH_DATABASE_URL for another server)
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createOrm, migrate } from '../engine/db/orm.js';
import { seedDemo } from '../engine/db/seed.js';
import { buildApp } from '../engine/api/app.js';
import { ConfigStore } from '../engine/db/config-store.js';
import { ensureIndexes } from '../engine/db/record-indexes.js';
import { buildListQuery } from '../engine/db/record-list.js';
import { entityContext } from '../engine/db/record-write.js';
import type { FlowClient } from '../engine/temporal/client.js';
import { summary } from './lib/stats.js';
import { loadQuotes } from './lib/scale-data.js';
import { testPostgres } from '../test/support/test-postgres.js';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const REQUESTS = Number(process.env.REQUESTS ?? 200);
const FILTER = 'record.status == "approved" && record.total > 1000.0';
const SORT = '-total';
const DEEP_PAGES = Number(process.env.DEEP_PAGES ?? 100);

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await work();
  return [performance.now() - start, value];
}

async function main() {
  // BENCH_DATABASE_URL, TEST_DATABASE_URL, the machine's server, else an embedded one.
  const benchDir = fileURLToPath(new URL('../data/bench', import.meta.url));
  mkdirSync(benchDir, { recursive: true });
  const postgres = await testPostgres(benchDir, {
    explicitUrl: process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL,
  });
  const adminUrl = postgres.adminUrl;
  const name = `flowcrm_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client(adminUrl);
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const orm = await createOrm({ databaseUrl: url.toString(), poolSize: 10 });
  const direct = new pg.Client(url.toString());
  try {
    await migrate(orm);
    await seedDemo(orm.em.fork());
    await direct.connect();
    const config = await new ConfigStore(orm.em.fork()).current();
    const [loadMs] = await timed(() => loadQuotes(direct, config.version, ROWS));
    const [indexMs, indexes] = await timed(() => ensureIndexes(orm.em.fork(), config));
    await direct.query('vacuum analyze records');
    console.log(`loaded ${ROWS} rows in ${Math.round(loadMs)} ms; indexes ${indexes.created.join(', ')} in ${Math.round(indexMs)} ms`);

    const app = await buildApp({ orm, flow: {} as FlowClient, jwtSecret: 'bench-secret' });
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'sales1', password: 'demo' } });
    const token = (login.json() as { token: string }).token;
    // Timed until the response body has arrived; parsing it is the client's work, as reading rows is on the SQL side.
    const apiBody = async (cursor?: string) => {
      const query = new URLSearchParams({ filter: FILTER, sort: SORT, limit: '50', ...(cursor ? { cursor } : {}) });
      const res = await app.inject({ method: 'GET', url: `/api/records/quote?${query}`, headers: { authorization: `Bearer ${token}` } });
      if (res.statusCode !== 200) throw new Error(`API answered ${res.statusCode}: ${res.body}`);
      return res.body;
    };
    const api = async (cursor?: string) => JSON.parse(await apiBody(cursor)) as { items: { id: string }[]; nextCursor: string | null };

    let deepCursor: string | undefined;
    for (let i = 0; i < DEEP_PAGES; i++) deepCursor = (await api(deepCursor)).nextCursor ?? undefined;
    const ctx = entityContext(config, 'quote');
    const target = { entity: 'quote', catalog: ctx.catalog, reviewRequired: false };
    const results: Record<string, unknown> = {};
    for (const [label, cursor] of [['first page', undefined], [`page ${DEEP_PAGES + 1} (cursor)`, deepCursor]] as const) {
      const sql = buildListQuery(target, { filter: FILTER, sort: SORT, limit: 50, cursor });
      const plan = (await direct.query(`explain (analyze, buffers, format text) ${sql.sql}`, sql.params)).rows.map((r) => r['QUERY PLAN']).join('\n');
      const apiMs: number[] = [];
      const sqlMs: number[] = [];
      for (let i = 0; i < 20; i++) { await apiBody(cursor); await direct.query(sql.sql, sql.params); }
      for (let i = 0; i < REQUESTS; i++) {
        apiMs.push((await timed(() => apiBody(cursor)))[0]);
        sqlMs.push((await timed(() => direct.query(sql.sql, sql.params)))[0]);
      }
      const a = summary(apiMs);
      const d = summary(sqlMs);
      results[label] = { api: a, directSql: d, p95Ratio: Math.round((a.p95 / d.p95) * 100) / 100, indexUsed: indexes.created.filter((n) => plan.includes(n)) };
      console.log(`\n${label}: API p50 ${a.p50} ms p95 ${a.p95} ms | direct SQL p50 ${d.p50} ms p95 ${d.p95} ms | ratio p95 ${(a.p95 / d.p95).toFixed(2)}`);
      console.log(plan.split('\n').slice(0, 12).join('\n'));
    }
    console.log(JSON.stringify({ rows: ROWS, requests: REQUESTS, filter: FILTER, sort: SORT, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, results }, null, 2));
    await app.close();
  } finally {
    await direct.end().catch(() => undefined);
    await orm.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    await postgres.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
