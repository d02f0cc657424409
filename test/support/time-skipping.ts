import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, inject } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { startStackWith, type Stack, type StackOptions } from './stack-core.js';

/** Simulated durations in milliseconds, for the expected times of time-skipping tests. */
export const minute = 60_000;
export const hour = 60 * minute;
export const day = 24 * hour;

export const testServerPath = fileURLToPath(new URL('../../.tools/bin/temporal-test-server', import.meta.url));

/** A time-skipping Temporal test server (the project-local binary) and a flowcrm stack on it. */
export async function startTimeSkippingStack(options: Partial<StackOptions> = {}): Promise<{ env: TestWorkflowEnvironment; stack: Stack; stop(): Promise<void> }> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServerPath } } });
  const stack = await startStackWith({ temporalAddress: env.address, workflowBundlePath: inject('workflowBundlePath'), ...options });
  return {
    env, stack,
    async stop() {
      await stack.stop();
      await env.teardown();
    },
  };
}

/** Starts a time-skipping stack before the file's tests and stops it after them; `onStart` receives it. */
export function useTimeSkippingStack(onStart: (started: { env: TestWorkflowEnvironment; stack: Stack }) => void, options: Partial<StackOptions> = {}): void {
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const started = await startTimeSkippingStack(options);
    stop = () => started.stop();
    onStart(started);
  }, 120_000);
  afterAll(async () => {
    await stop?.();
  });
}
