import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
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
