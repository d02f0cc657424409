import { existsSync } from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkerOptions } from '@temporalio/worker';
import { DomainError } from '../domain/errors.js';
import { fromRoot, workflowsPath } from '../paths.js';

export interface SimulationSettings {
  /** The time-skipping test server binary (default: TEMPORAL_TEST_SERVER, else `.tools/bin/temporal-test-server`). */
  testServerPath?: string;
  /** A prebuilt workflow bundle; otherwise the workflows are bundled once, on the first simulation. */
  workflowBundlePath?: string;
  /** Wall-clock budget of one simulation (default 30 s). */
  timeoutMs?: number;
  /** Simulations running at once (default 2); one more is refused with SIMULATION_BUSY. */
  concurrency?: number;
}


export function testServerPath(settings: SimulationSettings, env = process.env): string {
  const path = settings.testServerPath ?? env.TEMPORAL_TEST_SERVER ?? fromRoot('.tools', 'bin', 'temporal-test-server');
  if (!existsSync(path)) {
    throw new DomainError('SIMULATION_UNAVAILABLE', `the time-skipping test server is not installed at ${path}; run \`npm run tools\` or set TEMPORAL_TEST_SERVER`);
  }
  return path;
}

let bundled: Promise<WorkerOptions['workflowBundle']> | undefined;

/** The workflow bundle, built once per process (bundling takes seconds; every simulation reuses it). */
export function workflowBundle(settings: SimulationSettings): Promise<WorkerOptions['workflowBundle']> {
  if (settings.workflowBundlePath) return Promise.resolve({ codePath: settings.workflowBundlePath });
  // loaded on the first simulation: the API at rest does not hold the worker SDK (~17 MB)
  bundled ??= import('@temporalio/worker').then(({ bundleWorkflowCode }) => bundleWorkflowCode({ workflowsPath, logger: quietLogger })).then((b) => ({ code: b.code }), (error) => {
    bundled = undefined;
    throw error;
  });
  return bundled;
}

/**
 * A fresh time-skipping server for one simulation: its clock starts at the real now and only moves forward, so
 * a server another simulation has pushed weeks ahead cannot run the next one from today.
 */
export async function startTestServer(settings: SimulationSettings): Promise<TestWorkflowEnvironment> {
  const path = testServerPath(settings);
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
}

/** Admits at most `limit` simulations at once. */
export class SimulationGate {
  private running = 0;

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) throw new DomainError('SIMULATION_BUSY', `${this.limit} simulations are running; try again shortly`);
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
    }
  }
}

const quietLogger = {
  log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined,
  warn: (message: string) => console.warn(message), error: (message: string) => console.error(message),
};
