/**
 * Embedded PostgreSQL (PGlite over a socket) vs the local PostgreSQL server, same workload, same run, `pg` driver.
 *   npx tsx bench/embedded-db.ts [--pg postgres://postgres@127.0.0.1:5432/postgres]
 * PGlite runs in a child process (as under `npm start`), so its RSS is measured on its own.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startEmbeddedPostgres } from '../scripts/lib/embedded-postgres.js';

const self = fileURLToPath(import.meta.url);
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const now = () => process.hrtime.bigint();

/** Child mode: serve PGlite from `dir`, print {url, startMs} and wait for SIGTERM. */
async function serve(dir: string): Promise<void> {
  const t0 = now();
  const e = await startEmbeddedPostgres(dir, { maxConnections: 20 });
  console.log(JSON.stringify({ url: e.url, startMs: ms(t0) }));
  process.once('SIGTERM', () => void e.stop().then(() => process.exit(0)));
}

function procKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+)`));
  return m ? Number(m[1]) : 0;
}

/** Sum of proportional set size (shared memory split fairly) of every `postgres` process. */
function postgresPssMb(): number {
  let kb = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() !== 'postgres') continue;
      const m = readFileSync(`/proc/${d}/smaps_rollup`, 'utf8').match(/Pss:\s+(\d+)/);
      if (m) kb += Number(m[1]);
    } catch {
      /* gone or not readable */
    }
  }
  return kb / 1024;
}

async function startPglite(dir: string): Promise<{ url: string; startMs: number; pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [...process.execArgv, self, '--serve', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (b: Buffer) => {
      buf += b.toString();
      if (buf.includes('\n')) resolve(buf.split('\n')[0]);
    });
    child.once('exit', (code) => reject(new Error(`pglite child exited ${code}`)));
  });
  const info = JSON.parse(line) as { url: string; startMs: number };
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { ...info, pid: child.pid!, stop };
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

  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowcrm-bench-pglite-'));
  try {
    const first = await startPglite(dir);
    const rssIdleMb = procKb(first.pid, 'VmRSS') / 1024;
    const r = await workload(first.url);
    const rssAfterMb = procKb(first.pid, 'VmRSS') / 1024;
    const peakMb = procKb(first.pid, 'VmHWM') / 1024;
    await first.stop();
    const again = await startPglite(dir);
    await again.stop();
    results.pglite = {
      firstStartMs: first.startMs, reopenMs: again.startMs, rssIdleMb, rssAfterMb, rssPeakMb: peakMb, ...r,
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
    const before = postgresPssMb();
    const r = await workload(u.toString());
    results.postgres = {
      firstStartMs: 'n/a (running server)', reopenMs: 'n/a', rssIdleMb: before, rssAfterMb: postgresPssMb(),
      rssPeakMb: 'n/a', ...r,
    };
  } finally {
    await admin.query(`drop database if exists ${scratch} with (force)`);
    await admin.end();
  }

  const keys = [...new Set(Object.values(results).flatMap((r) => Object.keys(r)))];
  const fmt = (v: string | number | undefined) => (typeof v === 'number' ? v.toFixed(v < 10 ? 2 : 0) : (v ?? ''));
  console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${os.platform()}`);
  console.log('| metric | PGlite over socket | PostgreSQL |\n|---|---|---|');
  for (const k of keys) console.log(`| ${k} | ${fmt(results.pglite[k])} | ${fmt(results.postgres[k])} |`);
  console.log('(PostgreSQL memory = summed PSS of all postgres processes; PGlite = RSS of the process hosting it)');
}

if (process.argv.includes('--serve')) void serve(process.argv[process.argv.indexOf('--serve') + 1]);
else
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
