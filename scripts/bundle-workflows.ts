/**
 * Bundles the workflow code once, in a short-lived process, for the worker to load (FLOWCRM_WORKFLOW_BUNDLE):
 * the bundler's memory is then given back to the system instead of staying in the worker's heap.
 *   node --import tsx scripts/bundle-workflows.ts <out.js>
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../engine/paths.js';

const out = process.argv[2];
if (!out) {
  console.error('usage: bundle-workflows.ts <out.js>');
  process.exit(2);
}
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error };
const { code } = await bundleWorkflowCode({ workflowsPath, logger: quiet });
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(`${out}.tmp`, code);
renameSync(`${out}.tmp`, out);
