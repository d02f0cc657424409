import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { getFreePort } from './ports.js';

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
