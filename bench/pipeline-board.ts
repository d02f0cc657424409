/**
 * Pipeline board and funnel benchmark: 100,000 starter-pack opportunities with their stage history (one stay per
 * stage reached, about 300,000 stays) in a scratch database, then the kanban board and the funnel report through
 * the real API (Fastify inject: auth, validation, CEL translation, serialisation) against the same SQL statements
 * run directly with pg, in the same run (two connections, in parallel, as the API runs them). Not part of npm test.
 *   npx tsx bench/pipeline-board.ts          (ROWS=20000 for a quicker run; BENCH_DATABASE_URL for another server)
 */
import os from 'node:os';
import pg from 'pg';
import { createOrm, migrate } from '../engine/db/orm.js';
import { seedDemo } from '../engine/db/seed.js';
import { buildApp } from '../engine/api/app.js';
import { ConfigStore } from '../engine/db/config-store.js';
import { ensureIndexes } from '../engine/db/record-indexes.js';
import { columnItemsQuery, stageTotalsQuery } from '../engine/db/pipeline-board.js';
import { funnelReachedQuery } from '../engine/db/pipeline-reports.js';
import { pipelineQuery } from '../engine/db/pipeline-sql.js';
import type { FlowClient } from '../engine/temporal/client.js';
import { summary } from './lib/stats.js';
import { loadOpportunities } from './lib/scale-data.js';
import { createTestDatabase } from '../test/support/database.js';

const ROWS = Number(process.env.ROWS ?? 100_000);
const REQUESTS = Number(process.env.REQUESTS ?? 200);
const PIPELINE = 'opportunity-sales';
const FILTER = 'record.owner == "sales2"';
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await work();
  return [performance.now() - start, value];
}

async function main() {
  const database = await createTestDatabase(adminUrl);
  const { name } = database;
  const url = new URL(database.url);
  const orm = await createOrm({ databaseUrl: url.toString(), poolSize: 10 });
  const direct = [new pg.Client(url.toString()), new pg.Client(url.toString())];
  try {
    await migrate(orm);
    await seedDemo(orm.em.fork());
    await Promise.all(direct.map((c) => c.connect()));
    const config = await new ConfigStore(orm.em.fork()).current();
    const [loadMs] = await timed(() => loadOpportunities(direct[0], config.version, ROWS, PIPELINE));
    const [indexMs, indexes] = await timed(() => ensureIndexes(orm.em.fork(), config));
    await direct[0].query('vacuum analyze records');
    await direct[0].query('vacuum analyze stage_stays');
    const stays = (await direct[0].query('select count(*)::int as n from stage_stays')).rows[0].n;
    console.log(`loaded ${ROWS} opportunities and ${stays} stays in ${Math.round(loadMs)} ms; indexes ${indexes.created.join(', ')} in ${Math.round(indexMs)} ms`);

    const app = await buildApp({ orm, flow: {} as FlowClient, jwtSecret: 'bench-secret' });
    // head office reads every deal (starter-pack permissions), so the API answers the same board as the direct SQL below
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'hqvp', password: 'demo' } });
    const token = (login.json() as { token: string }).token;
    const apiBody = async (path: string) => {
      const res = await app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${token}` } });
      if (res.statusCode !== 200) throw new Error(`API answered ${res.statusCode}: ${res.body}`);
      return res.body;
    };
    const query = await pipelineQuery(orm.em.fork(), PIPELINE);
    const ids = query.pipeline.stages.map((s) => s.id);
    const board = (filter?: string) => [stageTotalsQuery(query, filter), columnItemsQuery(query, ids, { limit: 20, filter })];
    const cases: [string, string, { sql: string; params: { values: unknown[] } }[]][] = [
      ['board', `/api/pipelines/${PIPELINE}/board?limit=20`, board()],
      ['board, filtered', `/api/pipelines/${PIPELINE}/board?limit=20&filter=${encodeURIComponent(FILTER)}`, board(FILTER)],
      ['funnel', `/api/reports/funnel?pipeline=${PIPELINE}`, [stageTotalsQuery(query), funnelReachedQuery(query, { pipeline: PIPELINE })]],
    ];
    const runDirect = (statements: { sql: string; params: { values: unknown[] } }[]) =>
      Promise.all(statements.map((s, i) => direct[i % direct.length].query(s.sql, s.params.values)));
    const results: Record<string, unknown> = {};
    if (process.env.PLAN_ONLY) {
      for (const statement of cases[0][2]) {
        const plan = (await direct[0].query(`explain (analyze, format text) ${statement.sql}`, statement.params.values)).rows.map((r) => r['QUERY PLAN']).join('\n');
        console.log(plan);
      }
      cases.length = 0;
    }
    for (const [label, path, statements] of cases) {
      const api = JSON.parse(await apiBody(path));
      const counted = (api.columns ?? api.rows).reduce((n: number, c: { count: number }) => n + c.count, 0);
      const expected = path.includes('filter=') ? ROWS / 2 : ROWS;
      if (counted !== expected) throw new Error(`${label}: counted ${counted} deals, expected ${expected}`);
      for (let i = 0; i < 20; i++) { await apiBody(path); await runDirect(statements); }
      const apiMs: number[] = [];
      const sqlMs: number[] = [];
      for (let i = 0; i < REQUESTS; i++) {
        apiMs.push((await timed(() => apiBody(path)))[0]);
        sqlMs.push((await timed(() => runDirect(statements)))[0]);
      }
      const a = summary(apiMs);
      const d = summary(sqlMs);
      results[label] = { api: a, directSql: d, p95Ratio: Math.round((a.p95 / d.p95) * 100) / 100, withinTarget: a.p95 <= 100 };
      console.log(`${label}: API p50 ${a.p50} ms p95 ${a.p95} ms | direct SQL p50 ${d.p50} ms p95 ${d.p95} ms | ratio p95 ${(a.p95 / d.p95).toFixed(2)}`);
    }
    for (const statement of cases[0][2]) {
      const plan = (await direct[0].query(`explain (analyze, format text) ${statement.sql}`, statement.params.values)).rows.map((r) => r['QUERY PLAN']).join('\n');
      console.log(plan.split('\n').slice(0, Number(process.env.PLAN_LINES ?? 14)).join('\n'));
    }
    console.log(JSON.stringify({ rows: ROWS, stays, requests: REQUESTS, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, results }, null, 2));
    await app.close();
  } finally {
    await Promise.all(direct.map((c) => c.end().catch(() => undefined)));
    await orm.close();
    if (process.env.KEEP_DB) console.log(`kept database ${name}`);
    else await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
