import { resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { fileOfPointer, readBundleFolder, type BundleFolder } from '../../engine/config-folder.js';
import { validateBundle } from '../../engine/domain/config/validate-bundle.js';
import { diffBundles, type ConfigChange } from '../../engine/domain/config/diff.js';
import { Api, expectStatus, isApiError, describe as describeResponse, type ApiOptions } from './api.js';
import { writeBundleFolder } from './bundle-writer.js';
import { CliError, print } from './output.js';

type Json = Record<string, unknown>;

async function readFolder(dir: string): Promise<BundleFolder> {
  try {
    return await readBundleFolder(dir);
  } catch (error) {
    throw new CliError(`cannot read ${dir}: ${(error as Error).message}`);
  }
}

/** `<file>: <path> <code> <message>`, the file being the one the pointer leads into. */
function problemLine(folder: BundleFolder, problem: { path: string; code?: string; message: string }): string {
  const file = fileOfPointer(folder.files, problem.path) ?? folder.files.get('') ?? '?';
  return `${file}: ${problem.path || '/'} ${problem.code ?? 'ERROR'} ${problem.message}`;
}

export async function validateCommand(dir: string): Promise<void> {
  const folder = await readFolder(dir);
  const result = validateBundle(folder.bundle);
  if (!result.valid) {
    throw new CliError(`${dir}: ${result.errors.length} error${result.errors.length === 1 ? '' : 's'}`,
      result.errors.map((e) => problemLine(folder, e)));
  }
  const count = (key: string) => Object.keys((folder.bundle[key] ?? {}) as object).length;
  print(`${dir}: valid (${count('entities')} entities, ${count('approvalChains')} approval chains, ${count('processes')} processes, ${count('roles')} roles)`);
}

export interface PublishOptions extends ApiOptions {
  force?: boolean;
  backfill?: string;
}

export async function publishCommand(dir: string, options: PublishOptions): Promise<void> {
  const folder = await readFolder(dir);
  const backfill = options.backfill ? await readJsonArgument(options.backfill, '--backfill') : undefined;
  const api = new Api(options);
  const res = await api.post(`/api/config/publish${options.force ? '?force=true' : ''}`, { ...folder.bundle, ...(backfill ? { backfill } : {}) });
  if (res.status !== 201) {
    const lines = isApiError(res.body) ? (res.body.error.details ?? []).map((d) => problemLine(folder, d)) : [];
    if (isApiError(res.body) && res.body.error.code === 'INCOMPATIBLE_CHANGE') lines.push('backfill the records (--backfill) or publish anyway with --force');
    throw new CliError(`publish refused: ${describeResponse(res)}`, lines);
  }
  const body = res.body as { version: number; hash: string; backfilled?: Record<string, Record<string, number>>; forcedIssues?: { entity: string; message: string }[] };
  print(`published version ${body.version} (${body.hash})`);
  for (const [entity, fields] of Object.entries(body.backfilled ?? {})) {
    for (const [field, n] of Object.entries(fields)) print(`backfilled ${entity}.${field} on ${n} records`);
  }
  for (const issue of body.forcedIssues ?? []) print(`forced: ${issue.entity}: ${issue.message}`);
}

export interface ExportOptions extends ApiOptions {
  version?: string;
  force?: boolean;
}

export async function exportCommand(dir: string, options: ExportOptions): Promise<void> {
  const api = new Api(options);
  const path = options.version ? `/api/config/versions/${encodeURIComponent(options.version)}` : '/api/config';
  const res = await api.get(path);
  expectStatus(res, 200, 'export');
  const bundle = res.body as Json;
  let written: string[];
  try {
    written = await writeBundleFolder(dir, bundle, options.force ?? false);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  print(`exported version ${String(bundle.version)} to ${dir} (${written.length} files)`);
}

export interface DiffOptions extends ApiOptions {
  json?: boolean;
}

/** Each side is a folder, or a version number fetched from the API; two numbers use the API's own diff. */
export async function diffCommand(a: string, b: string, options: DiffOptions): Promise<void> {
  const isVersion = (s: string) => /^[1-9][0-9]*$/.test(s);
  let changes: ConfigChange[];
  if (isVersion(a) && isVersion(b)) {
    const res = await new Api(options).get(`/api/config/versions/${a}/diff/${b}`);
    expectStatus(res, 200, 'diff');
    changes = (res.body as { changes: ConfigChange[] }).changes;
  } else {
    const api = new Api(options);
    const side = async (s: string): Promise<Json> => {
      if (!isVersion(s)) return (await readFolder(s)).bundle;
      const res = await api.get(`/api/config/versions/${s}`);
      expectStatus(res, 200, `reading version ${s}`);
      return res.body as Json;
    };
    changes = diffBundles(await side(a), await side(b));
  }
  if (options.json) {
    print(JSON.stringify(changes, null, 2));
    return;
  }
  if (changes.length === 0) print('no changes');
  for (const c of changes) {
    print(c.change === 'modified' ? `modified ${c.kind} ${c.name}: ${c.paths.join(' ')}` : `${c.change} ${c.kind} ${c.name}`);
  }
}

/** A JSON text, or `@file` holding one. */
async function readJsonArgument(value: string, flag: string): Promise<unknown> {
  const text = value.startsWith('@') ? await readFile(resolve(value.slice(1)), 'utf8') : value;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${flag}: not JSON: ${(error as Error).message}`);
  }
}
