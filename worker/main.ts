import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker, type ActivityInterceptorsFactory, type LogLevel, type WorkerOptions } from '@temporalio/worker';
import { createOrm } from '../engine/db/orm.js';
import { startAuditSealer } from '../engine/db/audit-chain.js';
import { createActivities } from './activities.js';
import { createProcessActivities } from './process-activities.js';
import { createNotificationActivities, notificationSettingsFromEnv } from './notifications/index.js';
import { TASK_QUEUE_DEFAULT } from '../workflows/messages.js';
import { connectTemporal } from '../engine/temporal/client.js';
import { connectionOptions, describeAccess, temporalAccessFromEnv, type TemporalAccess } from '../engine/temporal/connection.js';
import { createLogger } from '../engine/logging.js';
import { activityMetrics, startMetricsServer } from './metrics.js';
import { workflowsPath } from '../engine/paths.js';

export interface WorkerSettings {
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  /** TLS and API key for a Temporal cluster or Temporal Cloud (see engine/temporal/connection.ts). */
  temporalTls?: TemporalAccess['tls'];
  temporalApiKey?: string;
  taskQueue: string;
  /** A prebuilt bundle (tests build one per run); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Process runs continue as new after this many history events (default: when Temporal suggests it). */
  processHistoryLimit?: number;
  /** On shutdown, how long activities in flight may run to their end before they are cancelled (default 10 s). */
  shutdownGraceMs?: number;
  /** Workflow runs kept in the worker's memory between tasks; an evicted run is replayed from history on its next task. */
  maxCachedWorkflows?: number;
  /** Interceptors around every activity, after the metrics one (fault tests use one to die at a chosen point). */
  activityInterceptors?: ActivityInterceptorsFactory[];
}

/**
 * About 1.25 MB of worker memory per cached run was measured (bench/waiting-processes.ts, decision 0092); Temporal's
 * own default grows with the machine's memory, not with a budget.
 */
export const MAX_CACHED_WORKFLOWS_DEFAULT = 100;

export function settingsFromEnv(env = process.env): WorkerSettings {
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is required');
  const access = temporalAccessFromEnv(env);
  return {
    databaseUrl: env.DATABASE_URL,
    temporalAddress: access.address,
    namespace: access.namespace,
    ...(access.tls ? { temporalTls: access.tls } : {}),
    ...(access.apiKey ? { temporalApiKey: access.apiKey } : {}),
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? TASK_QUEUE_DEFAULT,
    ...(env.FLOWCRM_PROCESS_HISTORY_LIMIT ? { processHistoryLimit: Number(env.FLOWCRM_PROCESS_HISTORY_LIMIT) } : {}),
    ...(env.FLOWCRM_WORKER_SHUTDOWN_GRACE_MS ? { shutdownGraceMs: Number(env.FLOWCRM_WORKER_SHUTDOWN_GRACE_MS) } : {}),
    // A bundle prebuilt by the launcher (scripts/bundle-workflows.ts); without it the worker bundles at start.
    maxCachedWorkflows: env.FLOWCRM_MAX_CACHED_WORKFLOWS ? Number(env.FLOWCRM_MAX_CACHED_WORKFLOWS) : MAX_CACHED_WORKFLOWS_DEFAULT,
    ...(env.FLOWCRM_WORKFLOW_BUNDLE ? { workflowBundle: { codePath: env.FLOWCRM_WORKFLOW_BUNDLE } } : {}),
  };
}

export { workflowsPath };

/** Creates a worker; `run()` it, and `shutdown()` it to stop. The ORM is closed when the worker stops. */
export async function createWorker(settings: WorkerSettings) {
  const orm = await createOrm({ databaseUrl: settings.databaseUrl, poolSize: 5 });
  const access = { address: settings.temporalAddress, namespace: settings.namespace, tls: settings.temporalTls, apiKey: settings.temporalApiKey };
  const connection = await NativeConnection.connect(connectionOptions(access));
  const flow = await connectTemporal({ ...access, taskQueue: settings.taskQueue });
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
    interceptors: { activity: [activityMetrics, ...(settings.activityInterceptors ?? [])] },
    // shutdown() drains: no new tasks are polled, activities in flight get this long to finish
    shutdownGraceTime: settings.shutdownGraceMs ?? 10_000,
  });
  const run = async () => {
    const sealer = startAuditSealer(() => orm.em.fork());
    try {
      await worker.run();
    } finally {
      await sealer.stop();
      await flow.close();
      await connection.close();
      await orm.close();
    }
  };
  return { worker, run };
}

/** Runs a worker from the environment until SIGINT or SIGTERM; `extra` adds settings the environment does not carry. */
export async function main(extra: Partial<WorkerSettings> = {}) {
  const log = createLogger('worker');
  const level = (process.env.LOG_LEVEL ?? 'info').toUpperCase() as LogLevel;
  Runtime.install({ logger: new DefaultLogger(level, ({ level, message, meta }) => log[level.toLowerCase() as Lowercase<LogLevel>](meta ?? {}, message)) });
  const { worker, run } = await createWorker({ ...settingsFromEnv(), ...extra });
  const metricsPort = process.env.FLOWCRM_WORKER_METRICS_PORT;
  const metrics = metricsPort ? await startMetricsServer(Number(metricsPort), process.env.FLOWCRM_WORKER_METRICS_HOST) : undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log.info(`${signal}: draining (no new tasks, activities in flight finish)`);
      worker.shutdown();
    });
  }
  log.info({ taskQueue: worker.options.taskQueue, temporal: describeAccess(temporalAccessFromEnv()), metricsPort }, 'worker running');
  // the line launchers and tests wait for, whatever LOG_LEVEL says
  if (!log.isLevelEnabled('info')) console.log('worker running');
  try {
    await run();
  } finally {
    metrics?.close();
  }
  log.info('worker stopped');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
