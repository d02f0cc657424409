import { syncSchedules } from './services/schedules.js';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import closeWithGrace from 'close-with-grace';
import { createOrm, migrate } from '../db/orm.js';
import { seedDemo } from '../db/seed.js';
import { ConfigStore } from '../db/config-store.js';
import { ensureIndexes } from '../db/record-indexes.js';
import { connectTemporal } from '../temporal/client.js';
import { describeAccess, temporalAccessFromEnv } from '../temporal/connection.js';
import { buildApp } from './app.js';
import { logOptions } from '../logging.js';
import { TASK_QUEUE_DEFAULT } from '../../workflows/messages.js';

async function main() {
  const env = process.env;
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is required');
  if (!env.FLOWCRM_JWT_SECRET && env.FLOWCRM_DEMO !== '1') throw new Error('FLOWCRM_JWT_SECRET is required outside demo mode');
  const orm = await createOrm({ databaseUrl: env.DATABASE_URL, poolSize: Number(env.DATABASE_POOL_SIZE ?? 10) });
  await migrate(orm);
  if (env.FLOWCRM_DEMO === '1') await seedDemo(orm.em.fork());
  const config = await new ConfigStore(orm.em.fork()).latest();
  if (config) await ensureIndexes(orm.em.fork(), config);
  const temporal = temporalAccessFromEnv(env);
  const flow = await connectTemporal({ ...temporal, taskQueue: env.TEMPORAL_TASK_QUEUE ?? TASK_QUEUE_DEFAULT });
  const jwtSecret = env.FLOWCRM_JWT_SECRET ?? randomBytes(32).toString('base64url');
  const processHistoryLimit = env.FLOWCRM_PROCESS_HISTORY_LIMIT ? Number(env.FLOWCRM_PROCESS_HISTORY_LIMIT) : undefined;
  const app = await buildApp({ orm, flow, jwtSecret, processHistoryLimit }, { logger: logOptions(env) });

  // Drains: Fastify stops accepting and answers 503 to requests on kept-alive connections (/ready too, so a load
  // balancer takes the replica out), lets requests in flight finish, then the Temporal connection and the pool close.
  closeWithGrace({ delay: Number(env.FLOWCRM_SHUTDOWN_GRACE_MS ?? 10_000) }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info(`${signal}: draining`);
    await app.close();
    await flow.close();
    await orm.close();
  });
  await syncSchedules(app.deps).catch((error) => app.log.error({ err: error }, 'process schedules could not be updated'));
  const port = Number(env.PORT ?? 3000);
  await app.listen({ port, host: env.HOST ?? '127.0.0.1' });
  app.log.info(`Temporal: ${describeAccess(temporal)}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
