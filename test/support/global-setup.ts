import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startTemporalDevServer, repoRoot } from '../../scripts/lib/temporal-cli.js';
import { getFreePort } from '../../scripts/lib/ports.js';
import { killAllGroupsSync } from '../../scripts/lib/process-tree.js';
import { workflowsPath } from '../../worker/main.js';
import { ensureChromium } from './chromium.js';
import { testPostgres } from './test-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
    /** Superuser URL of the run's PostgreSQL (see test-postgres.ts); test files create their databases on it. */
    adminDatabaseUrl: string;
  }
}

/**
 * One Temporal dev server, one PostgreSQL server (the machine's, or an embedded one when none answers) and one
 * workflow bundle for the whole run; every test file shares them.
 */
export default async function setup(project: TestProject) {
  const dir = path.join(repoRoot, 'data', 'test-run');
  mkdirSync(dir, { recursive: true });
  // Last resort if the run ends without its teardown: no server we started outlives it.
  process.on('exit', killAllGroupsSync);
  ensureChromium();
  const [server, bundle, postgres] = await Promise.all([
    process.env.TEST_TEMPORAL_ADDRESS ? null : startTemporalDevServer({ port: await getFreePort(), headless: true, timeoutSec: 60 }),
    bundleWorkflowCode({ workflowsPath, logger: quietLogger }),
    testPostgres(dir),
  ]);
  const workflowBundlePath = path.join(dir, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, bundle.code);
  project.provide('temporalAddress', process.env.TEST_TEMPORAL_ADDRESS ?? server!.address);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('adminDatabaseUrl', postgres.adminUrl);
  return async () => {
    await Promise.all([server?.stop(), postgres.stop()]);
  };
}

const quietLogger = {
  log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined,
  warn: (message: string) => console.warn(message), error: (message: string) => console.error(message),
};
