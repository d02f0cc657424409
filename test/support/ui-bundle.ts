import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One entry of Vite's `.vite/manifest.json` (build.manifest: true). */
interface ManifestChunk { file: string; src?: string; isEntry?: boolean; isDynamicEntry?: boolean; imports?: string[]; dynamicImports?: string[]; css?: string[] }
export type Manifest = Record<string, ManifestChunk>;

export interface RouteJs { files: { file: string; bytes: number; gzipBytes: number }[]; bytes: number; gzipBytes: number }

/** The chunk keys a chunk loads before it runs: itself and its static imports, transitively (not dynamic imports). */
export function staticClosure(manifest: Manifest, key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen;
  const chunk = manifest[key];
  if (!chunk) throw new Error(`manifest has no chunk ${key}`);
  seen.add(key);
  for (const imported of chunk.imports ?? []) staticClosure(manifest, imported, seen);
  return seen;
}

/**
 * The JavaScript a route needs before it shows: the app's entry with its static imports, plus the route's lazy
 * chunk with its static imports. Sizes are of the built files, gzipped as a server would send them.
 */
export function routeJs(distDir: string, routeSrc: string, entry = 'index.html'): RouteJs {
  const manifest = JSON.parse(readFileSync(join(distDir, '.vite', 'manifest.json'), 'utf8')) as Manifest;
  const keys = staticClosure(manifest, routeSrc, staticClosure(manifest, entry));
  const files = [...keys].map((key) => {
    const content = readFileSync(join(distDir, manifest[key].file));
    return { file: manifest[key].file, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
  }).sort((a, b) => b.gzipBytes - a.gzipBytes);
  return { files, bytes: files.reduce((s, f) => s + f.bytes, 0), gzipBytes: files.reduce((s, f) => s + f.gzipBytes, 0) };
}
