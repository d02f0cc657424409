import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startTemporalDevServer, repoRoot } from '../../scripts/lib/temporal-cli.js';
import { getFreePort } from '../../scripts/lib/ports.js';
import { workflowsPath } from '../../worker/main.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

/** One Temporal dev server and one workflow bundle for the whole run; every test file shares them. */
export default async function setup(project: TestProject) {
  const dir = path.join(repoRoot, 'data', 'test-run');
  mkdirSync(dir, { recursive: true });
  const [server, bundle] = await Promise.all([
    process.env.TEST_TEMPORAL_ADDRESS ? null : startTemporalDevServer({ port: await getFreePort(), headless: true, timeoutSec: 60 }),
    bundleWorkflowCode({ workflowsPath, logger: quietLogger }),
  ]);
  const workflowBundlePath = path.join(dir, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, bundle.code);
  project.provide('temporalAddress', process.env.TEST_TEMPORAL_ADDRESS ?? server!.address);
  project.provide('workflowBundlePath', workflowBundlePath);
  return async () => {
    await server?.stop();
  };
}

const quietLogger = {
  log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined,
  warn: (message: string) => console.warn(message), error: (message: string) => console.error(message),
};
