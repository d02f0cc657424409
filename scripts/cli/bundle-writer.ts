import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Bundle key -> folder of one file per item; the inverse of readBundleFolder in engine/config-folder.ts. */
export const kindFolders: Record<string, string> = {
  entities: 'entities',
  approvalChains: 'approval-chains',
  processes: 'processes',
  pipelines: 'pipelines',
  picklists: 'picklists',
};

/** Keys a bundle carries as a published version, not as content. */
const versionKeys = new Set(['version', 'hash']);

/** Keys written first, in this order, so that files read naturally; every other key follows alphabetically. */
const leadingKeys = [
  'schemaVersion', 'locales', '$schema', '$id', 'id', 'type', 'entity', 'label', 'name', 'title', 'description',
  'titleField', 'numbering', 'trigger', 'on', 'chain', 'entry', 'when', 'approvers', 'mode', 'required', 'properties',
  'items', 'schema', 'ui', 'indexes', 'review', 'lock', 'steps',
];
const rank = new Map(leadingKeys.map((k, i) => [k, i]));

/** Objects whose keys are names chosen by the author (fields, definitions), sorted alphabetically only. */
const nameMaps = new Set(['properties', '$defs', 'definitions', 'patternProperties', 'dependentSchemas', 'dependentRequired']);

/** A deep copy with a stable key order, so that exporting the same configuration twice gives identical files. */
export function stableOrder(value: unknown, names = false): unknown {
  if (Array.isArray(value)) return value.map((v) => stableOrder(v));
  if (!value || typeof value !== 'object') return value;
  const keys = Object.keys(value).sort((a, b) => {
    const [ra, rb] = names ? [undefined, undefined] : [rank.get(a), rank.get(b)];
    if (ra !== undefined || rb !== undefined) return (ra ?? Infinity) - (rb ?? Infinity);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return Object.fromEntries(keys.map((k) => [k, stableOrder((value as Record<string, unknown>)[k], !names && nameMaps.has(k))]));
}

export function jsonText(value: unknown): string {
  return JSON.stringify(stableOrder(value), null, 2) + '\n';
}

/** File path relative to the folder -> content; what writeBundleFolder writes. */
export function bundleFiles(bundle: Record<string, unknown>): Map<string, string> {
  const files = new Map<string, string>();
  const head: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(bundle)) {
    if (versionKeys.has(key) || key === 'roles' || Object.hasOwn(kindFolders, key)) continue;
    head[key] = value;
  }
  files.set('bundle.json', jsonText(head));
  if (bundle.roles !== undefined) files.set('roles.json', jsonText(bundle.roles));
  for (const [kind, folder] of Object.entries(kindFolders)) {
    const items = bundle[kind];
    if (!items || typeof items !== 'object') continue;
    for (const [name, item] of Object.entries(items)) files.set(`${folder}/${name}.json`, jsonText(item));
  }
  return files;
}

/**
 * Writes a bundle as a configuration folder. An existing non-empty folder is refused unless `replace`, which first
 * removes the files a bundle folder consists of (and nothing else).
 */
export async function writeBundleFolder(dir: string, bundle: Record<string, unknown>, replace: boolean): Promise<string[]> {
  const existing = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  if (existing.length && !replace) throw new Error(`${dir} is not empty (use --force to replace its configuration files)`);
  if (replace) {
    await rm(join(dir, 'bundle.json'), { force: true });
    await rm(join(dir, 'roles.json'), { force: true });
    for (const folder of Object.values(kindFolders)) {
      for (const name of await readdir(join(dir, folder)).catch(() => [] as string[])) {
        if (name.endsWith('.json')) await rm(join(dir, folder, name));
      }
    }
  }
  const written: string[] = [];
  for (const [file, content] of bundleFiles(bundle)) {
    await mkdir(join(dir, file, '..'), { recursive: true });
    await writeFile(join(dir, file), content);
    written.push(file);
  }
  return written;
}
