/**
 * The PostgreSQL server a test run uses: TEST_DATABASE_URL when set (it must answer), else the machine's server on
 * 127.0.0.1:5432 when one answers, else an embedded PostgreSQL started for this run (data under
 * data/test-run/postgres-<pid>, removed when the run ends), so `npm test` needs nothing but Node.
 * TEST_DATABASE_URL=embedded asks for the embedded server even when the machine has one.
 */
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, stopStale } from '../../scripts/lib/embedded-postgres.js';

/** Where the tests look for a PostgreSQL server when TEST_DATABASE_URL is not set (the machine's own server). */
export const machineDatabaseUrl = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestPostgres {
  adminUrl: string;
  source: 'TEST_DATABASE_URL' | 'machine' | 'embedded';
  stop(): Promise<void>;
}

/** Undefined when `url` answers `select 1` within 3 s, else why not. */
export async function unreachable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (err) {
    return (err as Error).message || (err as { code?: string }).code || String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Leftovers of runs that died without their teardown (the pid in the name is gone): their server, then the dir. */
async function removeStaleDirs(runDir: string): Promise<void> {
  let names: string[] = [];
  try {
    names = readdirSync(runDir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^(faults-)?postgres-(\d+)$/.exec(name);
    if (!m || pidAlive(Number(m[2]))) continue;
    await stopStale(path.join(runDir, name, 'cluster')).catch(() => undefined);
    rmSync(path.join(runDir, name), { recursive: true, force: true });
  }
}

export interface TestPostgresOptions {
  /** Default process.env.TEST_DATABASE_URL. */
  explicitUrl?: string;
  /** Default machineDatabaseUrl. */
  machineUrl?: string;
  log?: (line: string) => void;
}

export async function testPostgres(runDir: string, opts: TestPostgresOptions = {}): Promise<TestPostgres> {
  const { explicitUrl: explicit = process.env.TEST_DATABASE_URL, machineUrl = machineDatabaseUrl, log = console.log } = opts;
  await removeStaleDirs(runDir);
  if (explicit && explicit !== 'embedded') {
    const why = await unreachable(explicit);
    if (why) throw new Error(`TEST_DATABASE_URL does not answer (${why}); unset it to let the tests start their own PostgreSQL`);
    return { adminUrl: explicit, source: 'TEST_DATABASE_URL', stop: async () => undefined };
  }
  const why = explicit === 'embedded' ? 'TEST_DATABASE_URL=embedded' : await unreachable(machineUrl);
  if (!why) return { adminUrl: machineUrl, source: 'machine', stop: async () => undefined };

  const dir = path.join(runDir, `postgres-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const started = Date.now();
  // Throwaway data: no fsync. Test files run in parallel, each with an API pool and a worker pool.
  const server = await startEmbeddedPostgres(dir, {
    maxConnections: 300,
    settings: { fsync: 'off', full_page_writes: 'off', synchronous_commit: 'off' },
  });
  log(`[test] not using ${machineUrl} (${why}): started an embedded PostgreSQL on 127.0.0.1:${server.port} ` +
    `in ${Date.now() - started} ms`);
  return {
    adminUrl: server.url,
    source: 'embedded',
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
