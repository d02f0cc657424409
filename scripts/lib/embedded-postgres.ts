import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { getFreePort } from './ports.js';
import { killTree, spawnGroup } from './process-tree.js';

export interface EmbeddedPostgres {
  /** postgresql://postgres:postgres@127.0.0.1:<port>/postgres */
  url: string;
  db: PGlite;
  server: PGLiteSocketServer;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  port?: number;
  /** Socket connections accepted at once; must be >= the sum of every client's pool size. Default 20. */
  maxConnections?: number;
}

/**
 * Opens (or creates) a PGlite database under `dataDir` and serves it over the PostgreSQL wire protocol on
 * 127.0.0.1, so the ordinary `pg` driver / MikroORM of other processes can use it. PGlite runs one query at a
 * time across all connections: fine for a laptop, not for production.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  opts: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir });
  const port = opts.port ?? (await getFreePort());
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port,
    maxConnections: opts.maxConnections ?? 20,
  });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw err;
  }
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      try {
        await server.stop();
      } finally {
        if (!db.closed) await db.close();
      }
    })());
  return { url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`, db, server, stop };
}

export interface EmbeddedPostgresProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Node binary for child processes: the pinned one in node_modules/.bin when present, else this process's. */
export function childNode(root: string): string {
  const pinned = path.join(root, 'node_modules', '.bin', 'node');
  return existsSync(pinned) ? pinned : process.execPath;
}

/**
 * Like startEmbeddedPostgres, but PGlite runs in its own process (own process group), which exits when stopped
 * or when this process dies (its stdin closes).
 */
export async function startEmbeddedPostgresProcess(
  dataDir: string,
  opts: { maxConnections?: number; timeoutMs?: number } = {},
): Promise<EmbeddedPostgresProcess> {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const entry = path.join(root, 'scripts', 'lib', 'pglite-server.ts');
  const args = ['--import', 'tsx', entry, dataDir, String(opts.maxConnections ?? 20)];
  const child = spawnGroup(childNode(root), args, { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const stop = () => killTree(child, 20_000); // PGlite flushes on close: give it time before SIGKILL
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(() => reject(new Error('embedded PostgreSQL did not start in time')), opts.timeoutMs ?? 60_000);
      child.stdout!.on('data', (b: Buffer) => {
        buf += b.toString();
        const line = buf.split('\n').find((l) => l.startsWith('{"url"'));
        if (line) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { url: string }).url);
        }
      });
      child.once('exit', (code, sig) => {
        clearTimeout(timer);
        reject(new Error(`embedded PostgreSQL exited (code ${code}, signal ${sig})`));
      });
    });
    child.stdout!.resume();
    return { url, child, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
