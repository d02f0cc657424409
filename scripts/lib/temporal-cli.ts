import { execFile, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { killTree, spawnGroup } from './process-tree.js';
import { waitForPort } from './ports.js';
import { repoRoot } from '../../engine/paths.js';

export { repoRoot };

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/** Last resort: let the SDK download the dev server (needs internet), then reuse the cached binary. */
async function sdkDownload(): Promise<string> {
  const downloadDir = path.join(repoRoot, '.tools', 'sdk-download');
  mkdirSync(downloadDir, { recursive: true });
  const find = () =>
    readdirSync(downloadDir)
      .map((f) => path.join(downloadDir, f))
      .find((f) => path.basename(f).startsWith('temporal') && isExecutable(f));
  const cached = find();
  if (cached) return cached;
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'cached-download', downloadDir } },
  });
  await env.teardown();
  const downloaded = find();
  if (!downloaded) throw new Error(`the SDK downloader left no temporal binary in ${downloadDir}`);
  return downloaded;
}

/**
 * Finds the `temporal` CLI: $TEMPORAL_CLI, then `temporal` on PATH, then the project-local venv
 * `.tools/bin/temporal` (created by scripts/install-tools.sh when missing), then the SDK's downloader.
 */
export async function resolveTemporalCli(): Promise<string> {
  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`TEMPORAL_CLI=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  const found = onPath('temporal');
  if (found) return found;
  const local = path.join(repoRoot, '.tools', 'bin', 'temporal');
  if (isExecutable(local)) return local;
  const script = path.join(repoRoot, 'scripts', 'install-tools.sh');
  if (existsSync(script)) {
    console.error('[flowcrm] temporal CLI not found, running scripts/install-tools.sh ...');
    const res = spawnSync('bash', [script], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
    if (res.status === 0 && isExecutable(local)) return local;
    console.error('[flowcrm] scripts/install-tools.sh failed; falling back to the Temporal SDK downloader');
  }
  return sdkDownload();
}

export interface DevServerOptions {
  dbFile?: string;
  port: number;
  uiPort?: number;
  headless?: boolean;
  namespace?: string;
  /** Seconds to wait for the server to answer; default 30. */
  timeoutSec?: number;
}

export interface DevServer {
  address: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Asks the CLI itself (`operator cluster health`) rather than a gRPC client in this process: the launcher stays up
 * for as long as flowcrm runs, and a Temporal client loaded once would hold ~50 MB of it for nothing.
 */
async function waitForFrontend(cli: string, address: string, deadline: number, exited: () => string | undefined): Promise<void> {
  let lastErr = '';
  while (Date.now() < deadline) {
    const reason = exited();
    if (reason) throw new Error(reason);
    const answer = await new Promise<{ ok: boolean; out: string }>((resolve) => {
      execFile(cli, ['operator', 'cluster', 'health', '--address', address], { timeout: 5000 }, (err, stdout, stderr) =>
        resolve({ ok: !err && stdout.includes('SERVING'), out: `${stdout}${stderr}`.trim() }));
    });
    if (answer.ok) return;
    lastErr = answer.out;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Temporal at ${address} did not answer a health check: ${lastErr}`);
}

/** Spawns `temporal server start-dev` (own process group) and waits until its frontend answers. */
export async function startTemporalDevServer(opts: DevServerOptions): Promise<DevServer> {
  const cli = await resolveTemporalCli();
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port)];
  if (opts.headless || opts.uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(opts.uiPort));
  if (opts.dbFile) {
    mkdirSync(path.dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile);
  }
  if (opts.namespace) args.push('--namespace', opts.namespace);
  args.push('--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL', '--log-level', 'warn');

  const child = spawnGroup(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // Forward the server's output, but drop the burst of poll/dial warnings it logs while shutting down.
  let stopping = false;
  child.stdout?.on('data', (b: Buffer) => stopping || process.stdout.write(b));
  child.stderr?.on('data', (b: Buffer) => stopping || process.stderr.write(b));
  let exitReason: string | undefined;
  child.once('exit', (code, sig) => (exitReason = `temporal server exited early (code ${code}, signal ${sig})`));
  child.once('error', (err) => (exitReason = `could not spawn ${cli}: ${err.message}`));

  const address = `127.0.0.1:${opts.port}`;
  const stop = () => {
    stopping = true;
    return killTree(child, 10_000);
  };
  const timeoutMs = (opts.timeoutSec ?? 30) * 1000;
  const deadline = Date.now() + timeoutMs;
  try {
    await waitForPort(opts.port, '127.0.0.1', timeoutMs, () => exitReason);
    await waitForFrontend(cli, address, deadline, () => exitReason);
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, child, stop };
}
