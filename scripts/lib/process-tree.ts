import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Spawns a child in its own process group (`detached: true`) so that the whole tree it starts
 * (tsx -> node, etc.) can be signalled at once with `process.kill(-pid)`. Not unref'd: we own it.
 */
export function spawnGroup(cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
  const child = spawn(cmd, args, { stdio: 'inherit', ...opts, detached: true });
  spawnedGroups.add(child);
  return child;
}

/** Every child started with spawnGroup by this process (for last-resort cleanup). */
export const spawnedGroups = new Set<ChildProcess>();

/** Synchronous last resort (usable in process.on('exit')): SIGKILL every group we spawned that is still alive. */
export function killAllGroupsSync(): void {
  for (const child of spawnedGroups) if (child.pid && groupAlive(child.pid)) signalGroup(child.pid, 'SIGKILL');
}

/** True while any process of the group `pgid` exists. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    /* group already gone */
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stops a child started with spawnGroup and everything in its process group: SIGTERM to the group, then
 * SIGKILL after `graceMs` if anything in the group is still alive. Resolves once the group is gone.
 */
export async function killTree(child: ChildProcess, graceMs = 10_000, sig: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const pgid = child.pid;
  if (!pgid) return;
  if (!groupAlive(pgid)) return;
  signalGroup(pgid, sig);
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pgid)) {
    signalGroup(pgid, 'SIGKILL');
    while (groupAlive(pgid)) await sleep(50);
  }
}

/** Resolves with the exit code (or signal name) once `child` has exited. */
export function waitForExit(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  if (child.signalCode !== null) return Promise.resolve(child.signalCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 0)));
}

/** Linux only: every live descendant pid of `root` (walks /proc/<pid>/stat parent links). */
export function descendantPids(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid ..." - comm may contain spaces/parens, so parse after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(name), Number(fields[1]));
    } catch {
      /* process exited while we walked */
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const p = queue.shift()!;
    for (const [pid, ppid] of parentOf) {
      if (ppid === p && !out.includes(pid)) {
        out.push(pid);
        queue.push(pid);
      }
    }
  }
  return out;
}

/** True when `pid` exists and is not a zombie. */
export function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
}
