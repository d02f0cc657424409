import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { joinPointer } from './domain/errors.js';
import { fromRoot } from './paths.js';

/** The starter-pack configuration shipped with flowcrm. */
export const starterPackDir = `${fromRoot('schemas', 'starter-pack')}/`;

/** Folder of one-file-per-item kinds -> key of the bundle object. */
const kindFolders: Record<string, string> = {
  entities: 'entities',
  'approval-chains': 'approvalChains',
  processes: 'processes',
  pipelines: 'pipelines',
  picklists: 'picklists',
  calendars: 'calendars',
  'decision-tables': 'decisionTables',
  scorecards: 'scorecards',
};

/** Kinds that every bundle has, even when their folder is missing. */
const requiredKinds = ['entities', 'approvalChains', 'processes'];

export interface BundleFolder {
  /** The API's one-object shape; not validated: pass it to validateBundle. */
  bundle: Record<string, unknown>;
  /** JSON-pointer prefix in the bundle (`''`, `/roles`, `/entities/quote`) -> the file it came from. */
  files: Map<string, string>;
}

/**
 * Reads a configuration folder (bundle.json, roles.json, org.json, entities/*.json, approval-chains/*.json, processes/*.json,
 * pipelines/*.json, picklists/*.json, calendars/*.json, decision-tables/*.json, scorecards/*.json) into one bundle object; each item is named after its file without `.json`.
 */
export async function readBundleFolder(dir: string): Promise<BundleFolder> {
  const files = new Map<string, string>();
  const bundleFile = join(dir, 'bundle.json');
  const head = await readJson(bundleFile);
  if (!head || typeof head !== 'object' || Array.isArray(head)) throw new Error(`${bundleFile}: must hold a JSON object`);
  const bundle: Record<string, unknown> = { ...head };
  files.set('', bundleFile);
  for (const kind of requiredKinds) bundle[kind] ??= {};

  for (const kind of ['roles', 'org']) {
    const file = join(dir, `${kind}.json`);
    const content = await readJson(file, true);
    if (content === undefined) continue;
    bundle[kind] = content;
    files.set(`/${kind}`, file);
  }

  for (const [folder, kind] of Object.entries(kindFolders)) {
    for (const file of await jsonFiles(join(dir, folder))) {
      const name = basename(file, '.json');
      const items = (bundle[kind] ??= {}) as Record<string, unknown>;
      items[name] = await readJson(file);
      files.set(joinPointer('', kind, name), file);
    }
  }
  return { bundle, files };
}

/** The file a JSON pointer into a bundle read by readBundleFolder points into (longest matching prefix). */
export function fileOfPointer(files: Map<string, string>, pointer: string): string | undefined {
  let best: string | undefined;
  for (const prefix of files.keys()) {
    if ((pointer === prefix || pointer.startsWith(prefix + '/')) && (best === undefined || prefix.length > best.length)) {
      best = prefix;
    }
  }
  return best === undefined ? undefined : files.get(best);
}

async function jsonFiles(dir: string): Promise<string[]> {
  try {
    const names = await readdir(dir);
    return names.filter((n) => n.endsWith('.json')).sort().map((n) => join(dir, n));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function readJson(file: string, optional = false): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (optional && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
}
