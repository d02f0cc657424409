import { readFile } from 'node:fs/promises';
import { fileOfPointer, readBundleFolder } from '../../engine/config-folder.js';
import type { SimulationResponse } from '../../engine/simulation/run.js';
import { Api, describe as describeResponse, isApiError, type ApiOptions } from './api.js';
import { CliError, print } from './output.js';

export interface SimulateOptions extends ApiOptions {
  record: string;
  script?: string;
  requester?: string;
  start?: string;
  until?: string;
  json?: boolean;
}

async function readJsonFile(file: string, flag: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`${flag}: cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    const value = JSON.parse(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a JSON object');
    return value;
  } catch (error) {
    throw new CliError(`${flag}: ${file} is not a JSON object: ${(error as Error).message}`);
  }
}

/** `+12d 04:00:00` from the start of the simulation. */
export function offsetOf(start: string, at: string): string {
  const ms = Math.max(0, Date.parse(at) - Date.parse(start));
  const days = Math.floor(ms / 86_400_000);
  const clock = new Date(ms % 86_400_000).toISOString().slice(11, 19);
  return `+${days}d ${clock}`;
}

/**
 * `flowcrm simulate <bundle-dir> <process>`: runs the draft configuration's process on the server's simulator with a
 * sample record and a script, and prints the timeline with simulated times, the tasks and the record changes.
 */
export async function simulateCommand(dir: string, process: string, options: SimulateOptions): Promise<void> {
  let folder;
  try {
    folder = await readBundleFolder(dir);
  } catch (error) {
    throw new CliError(`cannot read ${dir}: ${(error as Error).message}`);
  }
  const record = await readJsonFile(options.record, '--record');
  const script = options.script ? await readJsonFile(options.script, '--script') : {};
  const body = {
    bundle: folder.bundle, process, record, script,
    ...(options.requester ? { requester: options.requester } : {}), ...(options.start ? { start: options.start } : {}), ...(options.until ? { until: options.until } : {}),
  };
  const res = await new Api(options).post('/api/config/simulate', body);
  if (res.status !== 200) {
    const where = (path: string) => {
      if (path.startsWith('/bundle')) return `${fileOfPointer(folder.files, path.slice('/bundle'.length)) ?? dir}: ${path.slice('/bundle'.length) || '/'}`;
      if (path.startsWith('/script')) return `${options.script}: ${path.slice('/script'.length)}`;
      if (path.startsWith('/record')) return `${options.record}: ${path.slice('/record'.length) || '/'}`;
      return path;
    };
    const lines = isApiError(res.body) ? (res.body.error.details ?? []).map((d) => `${where(d.path)} ${d.code ?? ''}${d.code ? ' ' : ''}${d.message}`) : [];
    throw new CliError(`simulation refused: ${describeResponse(res)}`, lines);
  }
  const result = res.body as SimulationResponse;
  if (options.json) {
    print(JSON.stringify(result, null, 2));
    return;
  }
  print(`${process}: ${result.status}${result.outcome ? ` (${result.outcome})` : ''}, simulated ${offsetOf(result.start, result.end)} in ${result.elapsedMs} ms`);
  if (result.error) print(`error: ${result.error.code}: ${result.error.message}`);
  print('timeline:');
  for (const e of result.timeline) print(`  ${offsetOf(result.start, e.at).padEnd(14)} ${e.step.padEnd(20)} ${e.event}`);
  if (result.tasks.length) print('tasks:');
  for (const t of result.tasks) {
    const done = t.completedAt ? ` -> ${t.outcome ?? t.status} by ${t.actor ?? '?'} at ${offsetOf(result.start, t.completedAt)}` : ` (${t.status})`;
    print(`  ${offsetOf(result.start, t.createdAt).padEnd(14)} ${t.step} for ${t.assignee ?? t.candidates.join(', ')}${done}`);
  }
  if (result.recordChanges.length) print('record changes:');
  for (const c of result.recordChanges) print(`  ${offsetOf(result.start, c.at).padEnd(14)} ${c.action} ${c.entity} ${JSON.stringify(c.set)}`);
  print(`notifications: ${result.notifications.length}, webhook events: ${result.webhooks.length} (none sent)`);
  if (result.waitingFor) {
    const waits = [...result.waitingFor.tasks.map((t) => `task ${t.step}`), ...result.waitingFor.events.map((e) => `event ${e}`)];
    print(`waiting for: ${waits.join(', ') || 'nothing the script gives'}`);
  }
  if (result.unused.length) print(`unused script entries: ${result.unused.join(', ')}`);
}
