/**
 * Inbox benchmark (issue 12): `GET /api/inbox` at 100,000 open tasks, 1,000 of them the caller's (half assigned,
 * half offered to the caller among candidates), through the real API (Fastify inject: JWT, query validation,
 * delegations, the page of 100 tasks and the four counts, serialisation) against the floor in the same run: the
 * page's rows and the four counts with plain `pg` statements. Not part of npm test.
 *   npx tsx bench/inbox.ts      (TASKS=100000, MINE=1000, REQUESTS=200; BENCH_DATABASE_URL)
 */
import os from 'node:os';
import pg from 'pg';
import { createOrm, migrate } from '../engine/db/orm.js';
import { seedDemo } from '../engine/db/seed.js';
import { buildApp } from '../engine/api/app.js';
import type { FlowClient } from '../engine/temporal/client.js';
import { summary } from './lib/stats.js';
import { createTestDatabase } from '../test/support/database.js';

const TASKS = Number(process.env.TASKS ?? 100_000);
const MINE = Number(process.env.MINE ?? 1000);
const REQUESTS = Number(process.env.REQUESTS ?? 200);
const CALLER = 'branchmgr';
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

async function main() {
  const database = await createTestDatabase(adminUrl);
  const orm = await createOrm({ databaseUrl: database.url, poolSize: 10 });
  const direct = new pg.Client(database.url);
  try {
    await migrate(orm);
    await seedDemo(orm.em.fork());
    await direct.connect();
    // Task g: the caller's for g <= MINE (odd: assigned, even: a candidate beside regiondir), else one of 997 others'.
    const loadMs = await timed(() => direct.query(`insert into tasks (id, kind, title, workflow_id, process_id, process, entity, record_id, step_id,
        requester, assignee, candidates, status, routing, due_at, created_at)
      select 'task-' || g, 'approval', 'Approve quote ' || g, 'wf-' || g, 'quote-approval:quote:' || g, 'quote-approval', 'quote', gen_random_uuid(), 'approve',
        'sales1', case when g > $2 then 'user' || (g % 997) when g % 2 = 1 then $3 end,
        case when g > $2 then jsonb_build_array('user' || (g % 997)) when g % 2 = 1 then jsonb_build_array($3::text) else jsonb_build_array($3::text, 'regiondir') end,
        'open', '[]', now() + make_interval(hours => (g % 200) - 50), now() - make_interval(secs => g)
      from generate_series(1, $1::int) g`, [TASKS, MINE, CALLER]));
    await direct.query('vacuum analyze tasks');
    console.log(`loaded ${TASKS} open tasks (${MINE} for ${CALLER}) in ${Math.round(loadMs)} ms`);

    const app = await buildApp({ orm, flow: {} as FlowClient, jwtSecret: 'bench-secret' });
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: CALLER, password: 'demo' } });
    const token = (login.json() as { token: string }).token;
    const api = async () => {
      const res = await app.inject({ method: 'GET', url: '/api/inbox', headers: { authorization: `Bearer ${token}` } });
      if (res.statusCode !== 200) throw new Error(`API answered ${res.statusCode}: ${res.body}`);
      return res.json() as { items: unknown[]; counts: Record<string, number> };
    };
    const first = await api();
    if (first.items.length !== 100 || first.counts.mine !== MINE) throw new Error(`unexpected inbox: ${first.items.length} items, counts ${JSON.stringify(first.counts)}`);
    // The floor: the page's rows and the counts, as plain statements (one connection, in sequence).
    const mine = `status in ('open', 'claimed') and (assignee = $1 or (assignee is null and candidates @> $2::jsonb))`;
    const bare = async () => {
      await direct.query(`select * from tasks where ${mine} order by created_at desc, id limit 100`, [CALLER, JSON.stringify([CALLER])]);
      await direct.query(`select count(*)::int as mine, count(*) filter (where assignee is null)::int as candidate,
          count(*) filter (where due_at < now())::int as overdue from tasks where ${mine}`, [CALLER, JSON.stringify([CALLER])]);
    };
    for (let i = 0; i < 20; i++) { await api(); await bare(); }
    const apiMs: number[] = [];
    const sqlMs: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      apiMs.push(await timed(api));
      sqlMs.push(await timed(bare));
    }
    const a = summary(apiMs);
    const d = summary(sqlMs);
    console.log(`bare SQL (page + counts): p50 ${d.p50} ms, p95 ${d.p95} ms`);
    console.log(`GET /api/inbox:           p50 ${a.p50} ms, p95 ${a.p95} ms (target p95 <= 30 ms)`);
    console.log(`ratio p95: ${(a.p95 / d.p95).toFixed(2)}`);
    console.log(JSON.stringify({ tasks: TASKS, mine: MINE, requests: REQUESTS, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, load: os.loadavg(), api: a, bare: d, withinTarget: a.p95 <= 30 }));
    await app.close();
  } finally {
    await direct.end().catch(() => undefined);
    await orm.close();
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
