import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { createOrm, migrate, type Orm } from '../../engine/db/orm.js';
import { seedDemo } from '../../engine/db/seed.js';
import { connectTemporal, type FlowClient } from '../../engine/temporal/client.js';
import { buildApp } from '../../engine/api/app.js';
import { createWorker } from '../../worker/main.js';
import { createTestDatabase } from './database.js';
import { HttpClient } from './http.js';

export interface Stack {
  app: FastifyInstance;
  url: string;
  orm: Orm;
  flow: FlowClient;
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  /** An HTTP client logged in as a demo user (password `demo`). */
  as(username: string): Promise<HttpClient>;
  anonymous(): HttpClient;
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
}

/** A started flowcrm on a fresh database: migrated, seeded with the demo organisation, API listening, worker running. */
let runtimeInstalled = false;

export interface StackOptions {
  worker?: boolean;
  temporalAddress: string;
  workflowBundlePath: string;
  /** Process runs continue as new after this many history events. */
  processHistoryLimit?: number;
  /** The server the stack's fresh database is created on; default the run's (see database.ts). */
  adminDatabaseUrl?: string;
  /** Logins per IP per minute; default high, since every test client logs in from 127.0.0.1. */
  loginRateLimit?: number;
}

export async function startStackWith(options: StackOptions): Promise<Stack> {
  if (!runtimeInstalled) {
    runtimeInstalled = true;
    try {
      Runtime.install({ logger: new DefaultLogger('WARN') });
    } catch {
      // a test environment created the runtime first; its logger stays
    }
  }
  const database = await createTestDatabase(options.adminDatabaseUrl);
  const { temporalAddress } = options;
  const taskQueue = `test-${database.name}`;
  const orm = await createOrm({ databaseUrl: database.url, poolSize: 10 });
  await migrate(orm);
  await seedDemo(orm.em.fork());
  const flow = await connectTemporal({ address: temporalAddress, namespace: 'default', taskQueue });
  let stopWorker = async () => undefined as void;
  if (options.worker !== false) {
    const { worker, run } = await createWorker({
      databaseUrl: database.url, temporalAddress, namespace: 'default', taskQueue,
      workflowBundle: { codePath: options.workflowBundlePath }, processHistoryLimit: options.processHistoryLimit,
    });
    const running = run();
    stopWorker = async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    };
  }
  const app = await buildApp({
    orm, flow, jwtSecret: 'test-secret-not-for-production', processHistoryLimit: options.processHistoryLimit,
    simulation: { workflowBundlePath: options.workflowBundlePath }, loginRateLimit: options.loginRateLimit ?? 10_000,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const tokens = new Map<string, string>();
  return {
    app, url, orm, flow, databaseUrl: database.url, temporalAddress, taskQueue,
    anonymous: () => new HttpClient(url),
    async as(username) {
      let token = tokens.get(username);
      if (!token) {
        const res = await new HttpClient(url).post('/api/auth/login', { username, password: 'demo' });
        if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status}`);
        token = (res.body as { token: string }).token;
        tokens.set(username, token);
      }
      return new HttpClient(url, token);
    },
    stopWorker: () => stopWorker(),
    async stop() {
      await stopWorker();
      await app.close();
      await flow.close();
      await orm.close();
      await database.drop();
    },
  };
}
