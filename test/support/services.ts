/**
 * The API and the worker as real child processes (`node --import tsx engine/api/server.ts` / `worker/main.ts`), the
 * way `npm start` and a deployment run them: for drain, kill -9 and multi-replica tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childNode } from '../../scripts/lib/embedded-postgres.js';
import { getFreePort } from '../../scripts/lib/ports.js';
import { eventually } from './http.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Service {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Exit code (or signal name) once it ended. */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): void;
}

export interface ServiceEnv {
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  workflowBundlePath: string;
  extra?: Record<string, string>;
}

function start(entry: string, env: NodeJS.ProcessEnv): Service {
  const child = spawn(childNode(root), ['--import', 'tsx', entry], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return { child, output: () => text, exited, kill: (signal = 'SIGTERM') => void child.kill(signal) };
}

function baseEnv(env: ServiceEnv): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', LOG_LEVEL: 'warn',
    DATABASE_URL: env.databaseUrl, TEMPORAL_ADDRESS: env.temporalAddress, TEMPORAL_TASK_QUEUE: env.taskQueue,
    FLOWCRM_JWT_SECRET: 'test-secret-not-for-production', FLOWCRM_WORKFLOW_BUNDLE: env.workflowBundlePath, ...env.extra,
  };
}

/** An API process on a free port, answered `/ready` 200. */
export async function startApiProcess(env: ServiceEnv, port?: number): Promise<Service & { url: string; port: number }> {
  const chosen = port ?? await getFreePort();
  const service = start('engine/api/server.ts', { ...baseEnv(env), PORT: String(chosen), HOST: '127.0.0.1' });
  const url = `http://127.0.0.1:${chosen}`;
  let ended = false;
  void service.exited.then(() => (ended = true));
  await eventually(async () => {
    if (ended) throw new Error(`the API exited: ${service.output().slice(-2000)}`);
    return (await fetch(`${url}/ready`)).status === 200;
  }, 180_000, 200).catch((error) => {
    service.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${service.output().slice(-2000)}`);
  });
  return { ...service, url, port: chosen };
}

/** A worker process; resolves once it logged that it runs (polling its task queue). */
export async function startWorkerProcess(env: ServiceEnv, entry = 'worker/main.ts'): Promise<Service> {
  const service = start(entry, { ...baseEnv(env), LOG_LEVEL: 'info', ...env.extra });
  let ended = false;
  void service.exited.then(() => (ended = true));
  await eventually(async () => {
    if (ended) throw new Error(`the worker exited: ${service.output().slice(-2000)}`);
    return service.output().includes('worker running');
  }, 180_000, 100);
  return service;
}
