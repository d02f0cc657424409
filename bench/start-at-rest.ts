/**
 * `npm start` at rest: time to a healthy /health and the memory of every process the launcher started, for a first
 * start (empty data dir: initdb, migrations, demo seed) and a restart on the same data dir. Linux only (/proc).
 *   npx tsx bench/start-at-rest.ts [restSeconds=15] [--from-sources]
 * Builds dist/ as `npm start` does (scripts/build-server.mjs, timed apart) and runs the launcher from it (`node
 * dist/scripts/start.js`, i.e. `npm start` without its UI build); with --from-sources it runs `node --import tsx
 * scripts/start.ts` instead, whose children load their TypeScript through tsx. On free ports with a scratch
 * FLOWCRM_DATA_DIR and no DATABASE_URL / TEMPORAL_ADDRESS, so it measures the embedded default. The baseline is a
 * bare `node -e` process idling in the same run (the floor of any Node process here).
 * Targets (issue 12): total RSS <= 800 MB, time to healthy on a warm machine <= 15 s.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getFreePort } from '../scripts/lib/ports.js';
import { descendantPids } from '../scripts/lib/process-tree.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fromSources = process.argv.includes('--from-sources');
const restMs = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 15) * 1000;
const launcherArgs = fromSources ? ['--import', 'tsx', 'scripts/start.ts'] : ['dist/scripts/start.js'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** [rssKb, pssKb] of one process (0 when it is gone). */
function memoryKb(pid: number): [number, number] {
  const rss = /VmRSS:\s+(\d+)/.exec(read(`/proc/${pid}/status`));
  const pss = /Pss:\s+(\d+)/.exec(read(`/proc/${pid}/smaps_rollup`));
  return [rss ? Number(rss[1]) : 0, pss ? Number(pss[1]) : 0];
}

function role(pid: number): string {
  const cmd = read(`/proc/${pid}/cmdline`).split('\0').join(' ');
  const comm = read(`/proc/${pid}/comm`).trim();
  if (cmd.includes('start-dev')) return 'temporal dev server';
  if (cmd.includes('engine/api/server.')) return 'api';
  if (cmd.includes('worker/main.')) return 'worker';
  if (comm === 'postgres' || cmd.includes('/bin/postgres')) return 'database (embedded PostgreSQL)';
  if (cmd.includes('scripts/start.')) return 'launcher';
  return `other (${comm})`;
}

interface Pass {
  healthyMs: number;
  byRole: Map<string, { n: number; rssKb: number; pssKb: number }>;
  stopMs: number;
  exit: number | string;
}

async function pass(dataDir: string): Promise<Pass> {
  const [port, temporalPort] = [await getFreePort(), await getFreePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FLOWCRM_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    FLOWCRM_TEMPORAL_PORT: String(temporalPort),
    FLOWCRM_TEMPORAL_HEADLESS: '1',
  };
  for (const k of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'FLOWCRM_DEMO']) delete env[k];
  const t0 = performance.now();
  const launcher: ChildProcess = spawn(path.join(root, 'node_modules', '.bin', 'node'), launcherArgs, {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  launcher.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  launcher.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<number | string>((r) => launcher.once('exit', (code, sig) => r(code ?? sig ?? -1)));
  try {
    let healthyMs = 0;
    while (!healthyMs) {
      if (launcher.exitCode !== null) throw new Error(`launcher exited:\n${output}`);
      if (performance.now() - t0 > 180_000) throw new Error(`not healthy in 180 s:\n${output}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200) healthyMs = performance.now() - t0;
      } catch {
        /* not up yet */
      }
      if (!healthyMs) await sleep(100);
    }
    await sleep(restMs);
    const byRole = new Map<string, { n: number; rssKb: number; pssKb: number }>();
    for (const pid of [launcher.pid!, ...descendantPids(launcher.pid!)]) {
      const [rssKb, pssKb] = memoryKb(pid);
      if (!rssKb) continue;
      const r = role(pid);
      const cur = byRole.get(r) ?? { n: 0, rssKb: 0, pssKb: 0 };
      byRole.set(r, { n: cur.n + 1, rssKb: cur.rssKb + rssKb, pssKb: cur.pssKb + pssKb });
    }
    const s0 = performance.now();
    process.kill(launcher.pid!, 'SIGINT');
    const exit = await Promise.race([exited, sleep(60_000).then(() => 'timeout')]);
    return { healthyMs, byRole, stopMs: performance.now() - s0, exit };
  } finally {
    if (launcher.exitCode === null) {
      try {
        process.kill(-launcher.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
}

async function bareNodeKb(): Promise<[number, number]> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await sleep(1000);
  const kb = memoryKb(child.pid!);
  child.kill('SIGKILL');
  return kb;
}

const mb = (kb: number) => (kb / 1024).toFixed(0);

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowcrm-bench-start-'));
  try {
    const b0 = performance.now();
    if (!fromSources) execFileSync(process.execPath, ['scripts/build-server.mjs'], { cwd: root, stdio: 'inherit' });
    const buildMs = performance.now() - b0;
    const [bareRss, barePss] = await bareNodeKb();
    const first = await pass(dataDir);
    const again = await pass(dataDir);
    console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${os.platform()}, ` +
      `${(os.totalmem() / 2 ** 30).toFixed(0)} GB RAM; at rest = ${restMs / 1000} s after /health answered 200`);
    console.log(`launcher: ${launcherArgs.join(' ')}${fromSources ? '' : ` (dist/ built in ${(buildMs / 1000).toFixed(1)} s before it)`}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log(`baseline: a bare idle node process ${mb(bareRss)} MB RSS, ${mb(barePss)} MB PSS\n`);
    for (const [name, p] of [['first start (empty data dir)', first], ['restart (same data dir)', again]] as const) {
      let rss = 0;
      let pss = 0;
      console.log(`${name}: healthy after ${(p.healthyMs / 1000).toFixed(1)} s, stopped in ` +
        `${(p.stopMs / 1000).toFixed(1)} s (exit ${p.exit})`);
      console.log('| process | count | RSS MB | PSS MB |\n|---|---|---|---|');
      for (const [r, v] of [...p.byRole].sort((a, b) => b[1].rssKb - a[1].rssKb)) {
        console.log(`| ${r} | ${v.n} | ${mb(v.rssKb)} | ${mb(v.pssKb)} |`);
        rss += v.rssKb;
        pss += v.pssKb;
      }
      console.log(`| total | | ${mb(rss)} | ${mb(pss)} |`);
      console.log(`total RSS / target 800 MB = ${(rss / 1024 / 800).toFixed(2)}; ` +
        `total RSS / bare node = ${(rss / bareRss).toFixed(1)}x; healthy / target 15 s = ${(p.healthyMs / 15_000).toFixed(2)}\n`);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
