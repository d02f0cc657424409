/**
 * `npm start` end to end: the launcher starts Temporal, PGlite, the API and the worker, /health answers, and
 * SIGINT stops every process it started (no orphans). Linux only (walks /proc).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
  let launcher: ChildProcess | undefined;
  let tracked: number[] = [];
  let output = '';

  afterAll(() => {
    for (const pid of tracked) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
    if (launcher?.pid && launcher.exitCode === null) process.kill(-launcher.pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts everything, answers /health, and leaves no process behind after SIGINT', async () => {
    const [port, temporalPort, uiPort] = [await getFreePort(), await getFreePort(), await getFreePort()];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: [path.join(root, 'node_modules', '.bin'), process.env.PATH ?? ''].join(path.delimiter),
      FLOWCRM_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      FLOWCRM_TEMPORAL_PORT: String(temporalPort),
      FLOWCRM_TEMPORAL_UI_PORT: String(uiPort),
    };
    // The embedded default: no external database or Temporal, demo mode from the launcher's own rule.
    for (const k of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'FLOWCRM_DEMO', 'FLOWCRM_JWT_SECRET']) delete env[k];

    launcher = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/start.ts'], {
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
    expect(cmds).toContain('engine/api/server.ts');
    expect(cmds).toContain('worker/main.ts');
    expect(output).toContain(`http://127.0.0.1:${uiPort}`);
    expect(output).toContain('demo password');
    expect(statSync(path.join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);

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
  }, 150_000);
});
