import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The checkout's root: the first folder above this module that holds a package.json. Found by walking up rather
 * than by a fixed number of `..`, so it holds both for the TypeScript sources and for the prebuilt bundles in
 * `dist/` (scripts/build-server.mjs), which sit at another depth.
 */
export const repoRoot = (() => {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error('flowcrm: no package.json above engine/paths.ts');
  }
})();

/** A path inside the checkout. */
export const fromRoot = (...segments: string[]): string => path.join(repoRoot, ...segments);

/** The entry of the workflow code the worker bundles (a path, not an import: engine/ never imports workflows). */
export const workflowsPath = fromRoot('workflows', 'index.ts');
