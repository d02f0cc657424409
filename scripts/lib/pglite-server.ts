/**
 * Child-process entry that hosts the embedded PostgreSQL (PGlite + socket server) for the launcher, so that
 * PGlite's synchronous WebAssembly work never blocks the launcher's signal handling.
 *   node --import tsx scripts/lib/pglite-server.ts <dataDir> [maxConnections]
 * Prints one JSON line {"url": ...} when ready. Stops (closing PGlite cleanly) on SIGTERM/SIGINT or when its
 * stdin closes (the launcher died).
 */
import { startEmbeddedPostgres } from './embedded-postgres.js';

const [dataDir, maxConn] = process.argv.slice(2);
if (!dataDir) {
  console.error('usage: pglite-server.ts <dataDir> [maxConnections]');
  process.exit(2);
}
const pg = await startEmbeddedPostgres(dataDir, { maxConnections: Number(maxConn) || 20 });
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await pg.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.on('error', () => void stop());
process.stdin.resume();
process.stdout.write(JSON.stringify({ url: pg.url }) + '\n');
