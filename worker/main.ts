import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel, type WorkerOptions } from '@temporalio/worker';
import { createOrm } from '../engine/db/orm.js';
import { createActivities } from './activities.js';
import { createProcessActivities } from './process-activities.js';
import { createNotificationActivities, notificationSettingsFromEnv } from './notifications/index.js';
import { TASK_QUEUE_DEFAULT } from '../workflows/messages.js';
import { connectTemporal } from '../engine/temporal/client.js';

export interface WorkerSettings {
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  /** A prebuilt bundle (tests build one per run); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Process runs continue as new after this many history events (default: when Temporal suggests it). */
  processHistoryLimit?: number;
  /** Workflow runs kept in the worker's memory between tasks; an evicted run is replayed from history on its next task. */
  maxCachedWorkflows?: number;
}

/**
 * About 1.25 MB of worker memory per cached run was measured (bench/waiting-processes.ts, decision 0092); Temporal's
 * own default grows with the machine's memory, not with a budget.
 */
export const MAX_CACHED_WORKFLOWS_DEFAULT = 100;

export function settingsFromEnv(env = process.env): WorkerSettings {
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is required');
  return {
    databaseUrl: env.DATABASE_URL,
    temporalAddress: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? TASK_QUEUE_DEFAULT,
    ...(env.FLOWCRM_PROCESS_HISTORY_LIMIT ? { processHistoryLimit: Number(env.FLOWCRM_PROCESS_HISTORY_LIMIT) } : {}),
    // A bundle prebuilt by the launcher (scripts/bundle-workflows.ts); without it the worker bundles at start.
    maxCachedWorkflows: env.FLOWCRM_MAX_CACHED_WORKFLOWS ? Number(env.FLOWCRM_MAX_CACHED_WORKFLOWS) : MAX_CACHED_WORKFLOWS_DEFAULT,
    ...(env.FLOWCRM_WORKFLOW_BUNDLE ? { workflowBundle: { codePath: env.FLOWCRM_WORKFLOW_BUNDLE } } : {}),
  };
}

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** Creates a worker; `run()` it, and `shutdown()` it to stop. The ORM is closed when the worker stops. */
export async function createWorker(settings: WorkerSettings) {
  const orm = await createOrm({ databaseUrl: settings.databaseUrl, poolSize: 5 });
  const connection = await NativeConnection.connect({ address: settings.temporalAddress });
  const flow = await connectTemporal({ address: settings.temporalAddress, namespace: settings.namespace, taskQueue: settings.taskQueue });
  const worker = await Worker.create({
    connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    maxCachedWorkflows: settings.maxCachedWorkflows ?? MAX_CACHED_WORKFLOWS_DEFAULT,
    activities: {
      ...createActivities({ orm, flow }),
      ...createProcessActivities({ orm, historyLimit: settings.processHistoryLimit }),
      ...createNotificationActivities({ orm, ...notificationSettingsFromEnv() }) },
    ...(settings.workflowBundle ? { workflowBundle: settings.workflowBundle } : { workflowsPath }),
  });
  const run = async () => {
    try {
      await worker.run();
    } finally {
      await flow.close();
      await connection.close();
      await orm.close();
    }
  };
  return { worker, run };
}

async function main() {
  Runtime.install({ logger: new DefaultLogger((process.env.LOG_LEVEL ?? 'info').toUpperCase() as LogLevel) });
  const { worker, run } = await createWorker(settingsFromEnv());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => worker.shutdown());
  console.log('worker running');
  await run();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
