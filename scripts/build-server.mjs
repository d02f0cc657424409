#!/usr/bin/env node
/**
 * Builds the processes `npm start` keeps running (launcher, API, worker, and the short-lived workflow bundler) into
 * plain JavaScript in dist/, one esbuild bundle each with the packages left to node_modules, so that at run time no
 * TypeScript loader (tsx and its worker thread, ~35 MB per process) is held. Takes about a second; decision 0107.
 *   node scripts/build-server.mjs
 */
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverEntries = ['scripts/start.ts', 'engine/api/server.ts', 'worker/main.ts', 'scripts/bundle-workflows.ts'];

await build({
  absWorkingDir: root,
  entryPoints: serverEntries,
  outdir: 'dist',
  outbase: '.',
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node22',
  sourcemap: 'linked',
  logLevel: 'warning',
});
