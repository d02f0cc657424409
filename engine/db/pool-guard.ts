import type pg from 'pg';

/**
 * Gives back to the pool the connections that died while checked out and that nobody released.
 *
 * When the server goes away during a transaction, Kysely's controlled transaction (under MikroORM) fails its COMMIT
 * or ROLLBACK on the dead connection and never releases it (kysely 0.29: release only follows a successful
 * commit/rollback). Each such connection then occupies a pool slot for good: a few database restarts and the API
 * waits forever for a connection. This watches the pool's public events: a client that ended or errored while
 * checked out and is still checked out `graceMs` later is released with an error, which makes the pool discard it
 * and open a fresh one when needed. A late release by its holder is then a no-op.
 */
export function reclaimDeadConnections(pool: pg.Pool, graceMs = 1000): void {
  const checkedOut = new Set<pg.PoolClient>();
  pool.on('acquire', (client) => checkedOut.add(client));
  pool.on('release', (_err, client) => checkedOut.delete(client as pg.PoolClient));
  pool.on('connect', (client) => {
    let scheduled = false;
    const died = () => {
      if (scheduled) return;
      scheduled = true;
      setTimeout(() => reclaim(client as pg.PoolClient), graceMs).unref();
    };
    client.on('end', died);
    client.on('error', died);
  });
  function reclaim(client: pg.PoolClient): void {
    if (!checkedOut.has(client)) return;
    const release = client.release.bind(client);
    client.release = () => undefined;
    release(new Error('connection lost while checked out'));
  }
}
