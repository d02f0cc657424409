import { joinPointer } from '../errors.js';
import type { ConfigError } from './codes.js';
import { isObj, itemsOf } from './json-reading.js';

/** Step types that wait for the outside world, so a loop through them is a legitimate retry, not a spin. */
const pausingTypes = new Set(['approval', 'wait']);

/**
 * Flow checks of a process whose step ids are unique and whose jumps all land: every step must be reachable from the
 * first (UNREACHABLE_STEP), and no loop may run without passing a pausing step (CYCLE, reported once per loop at
 * its first step in list order). Steps run in list order unless they name `next`; a decision jumps to its
 * branches' `goto` and `otherwise`; `end` (and the last step without `next`) ends the process.
 */
export function checkProcessFlow(steps: unknown[], path: string): ConfigError[] {
  if (!steps.every((s) => isObj(s) && typeof s.id === 'string')) return [];
  const list = steps as Record<string, unknown>[];
  const index = new Map(list.map((s, i) => [s.id as string, i]));
  const successors = list.map((step, i) => successorsOf(step, i, list.length, index));

  const errors: ConfigError[] = [];
  const reachable = reach([0], successors);
  list.forEach((step, i) => {
    if (!reachable.has(i)) {
      const message = `no path from the first step reaches step "${String(step.id)}"`;
      errors.push({ code: 'UNREACHABLE_STEP', path: joinPointer(path, i), message });
    }
  });

  // Loops among reachable steps that never pause: strongly connected groups of the non-pausing subgraph.
  // reaches[i] starts from i's successors, so it holds i only when a loop leads back to i.
  const spinning = list.map((step, i) => reachable.has(i) && !pausingTypes.has(String(step.type)));
  const inner = successors.map((next, i) => (spinning[i] ? next.filter((j) => spinning[j]) : []));
  const reaches = list.map((_, i) => (spinning[i] ? reach(inner[i], inner) : new Set<number>()));
  const reported = new Set<number>();
  list.forEach((_, i) => {
    if (!reaches[i].has(i) || reported.has(i)) return;
    const loop = list.map((__, j) => j).filter((j) => reaches[i].has(j) && reaches[j].has(i));
    loop.forEach((j) => reported.add(j));
    const ids = loop.map((j) => `"${String(list[j].id)}"`).join(' -> ');
    const message = `steps ${ids} can loop forever: the loop has no approval or wait step`;
    errors.push({ code: 'CYCLE', path: joinPointer(path, i), message });
  });
  return errors;
}

function successorsOf(step: Record<string, unknown>, i: number, count: number, index: Map<string, number>): number[] {
  const ids: unknown[] = [];
  for (const boundary of itemsOf(step.boundary)) if (isObj(boundary)) ids.push(boundary.goto);
  if (typeof step.onTimeout === 'string') ids.push(step.onTimeout);
  if (step.type === 'end') return ids.flatMap((id) => (typeof id === 'string' && index.has(id) ? [index.get(id) as number] : []));
  if (step.type === 'decision') {
    for (const branch of itemsOf(step.branches)) if (isObj(branch)) ids.push(branch.goto);
    ids.push(step.otherwise);
    if (step.otherwise === undefined && i + 1 < count) ids.push(list(index)[i + 1]);
  } else if (typeof step.next === 'string') {
    ids.push(step.next);
  } else if (i + 1 < count) {
    ids.push(list(index)[i + 1]);
  }
  return ids.flatMap((id) => (typeof id === 'string' && index.has(id) ? [index.get(id) as number] : []));
}

/** Steps reachable from `starts` (each start included). */
function reach(starts: number[], successors: number[][]): Set<number> {
  const seen = new Set<number>();
  const stack = [...starts];
  while (stack.length > 0) {
    const i = stack.pop() as number;
    if (seen.has(i)) continue;
    seen.add(i);
    stack.push(...successors[i]);
  }
  return seen;
}

function list(index: Map<string, number>): string[] {
  return [...index.keys()].sort((a, b) => (index.get(a) as number) - (index.get(b) as number));
}
