import { joinPointer } from '../errors.js';
import type { ConfigError } from './codes.js';
import { isObj, itemsOf, type Obj } from './json-reading.js';

/** Step types that wait for the outside world, so a loop through them is a legitimate retry, not a spin. */
const pausingTypes = new Set(['approval', 'task', 'wait', 'event']);

/** One list of steps: the process's own, a loop's `steps` or one branch of a parallel step. */
export interface Block {
  steps: unknown[];
  /** The JSON pointer of the list. */
  path: string;
}

/** The process's blocks, outermost first: jumps (`next`, `goto`, `onTimeout`) stay within the block of their step. */
export function blocksOf(steps: unknown[], path: string): Block[] {
  const blocks: Block[] = [{ steps, path }];
  steps.forEach((step, i) => {
    if (!isObj(step)) return;
    const at = joinPointer(path, i);
    if (step.type === 'loop' && Array.isArray(step.steps)) blocks.push(...blocksOf(step.steps, joinPointer(at, 'steps')));
    if (step.type === 'parallel') {
      itemsOf(step.branches).forEach((branch, j) => {
        if (Array.isArray(branch)) blocks.push(...blocksOf(branch, joinPointer(at, 'branches', j)));
      });
    }
  });
  return blocks;
}

/** Whether running the step waits for the outside world: a pausing type, or a block step containing one. */
export function pauses(step: unknown): boolean {
  if (!isObj(step)) return false;
  if (pausingTypes.has(String(step.type))) return true;
  if (step.type === 'loop') return itemsOf(step.steps).some(pauses);
  if (step.type === 'parallel') return itemsOf(step.branches).some((branch) => itemsOf(branch).some(pauses));
  return false;
}

/**
 * The step ids a step may jump to besides running on: decision branches, inline table rules (`tableGotos` gives the
 * rules of a table named from the bundle), `otherwise`, an event's `onTimeout` and its boundaries' `goto`.
 */
export function jumpsOf(step: Obj, tableGotos: (name: string) => unknown[] = () => []): unknown[] {
  const ids: unknown[] = [];
  if (step.type === 'decision') {
    for (const branch of itemsOf(step.branches)) if (isObj(branch)) ids.push(branch.goto);
    if (isObj(step.table)) for (const rule of itemsOf(step.table.rules)) if (isObj(rule)) ids.push(rule.goto);
    if (typeof step.table === 'string') ids.push(...tableGotos(step.table));
    ids.push(step.otherwise);
  }
  if (step.type === 'event') ids.push(step.onTimeout);
  for (const boundary of itemsOf(step.boundary)) if (isObj(boundary)) ids.push(boundary.goto);
  return ids.filter((id) => typeof id === 'string');
}

/**
 * Whether a step can go on to its `next` (or the step after it) rather than only jump: any step skipped by its
 * `when`, and every step but `end` and a decision with `otherwise` (without it, a decision whose branches or rules
 * do not match, or whose matching rule names no goto, runs on).
 */
function fallsThrough(step: Obj): boolean {
  if (typeof step.when === 'string') return true;
  if (step.type === 'end') return false;
  return step.type !== 'decision' || typeof step.otherwise !== 'string';
}

/**
 * Flow checks of one block whose step ids are unique and whose jumps all land: every step must be reachable from
 * the block's first step (UNREACHABLE_STEP), and no loop of jumps may run without passing a pausing step (CYCLE,
 * reported once per loop at its first step in list order). Steps run in list order unless they name `next`; a
 * decision jumps to its branches' and rules' `goto` and `otherwise`; a boundary may jump from its step; `end` (and
 * the last step without `next`) ends the block. `tableRules` gives the rules of a decision table named by a step.
 */
export function checkProcessFlow(block: Block, tableRules: (name: string) => unknown[] = () => []): ConfigError[] {
  const { steps, path } = block;
  if (!steps.every((s) => isObj(s) && typeof s.id === 'string')) return [];
  const list = steps as Obj[];
  const index = new Map(list.map((s, i) => [s.id as string, i]));
  const tableGotos = (name: string) => tableRules(name).map((r) => (isObj(r) ? r.goto : undefined));
  const successors = list.map((step, i) => {
    const ids = jumpsOf(step, tableGotos);
    const onward = fallsThrough(step) ? (typeof step.next === 'string' ? step.next : list[i + 1]?.id) : undefined;
    if (onward !== undefined) ids.push(onward);
    return ids.flatMap((id) => (index.has(id as string) ? [index.get(id as string) as number] : []));
  });

  const errors: ConfigError[] = [];
  const reachable = reach([0], successors);
  list.forEach((step, i) => {
    if (!reachable.has(i)) {
      const message = `no path from the first step of its block reaches step "${String(step.id)}"`;
      errors.push({ code: 'UNREACHABLE_STEP', path: joinPointer(path, i), message });
    }
  });

  // Loops among reachable steps that never pause: strongly connected groups of the non-pausing subgraph with more
  // than one step, or one step that jumps to itself. Linear in steps and jumps, so a huge hostile block stays cheap.
  const spinning = list.map((step, i) => reachable.has(i) && !pauses(step));
  const inner = successors.map((next, i) => (spinning[i] ? next.filter((j) => spinning[j]) : []));
  const loops = stronglyConnected(inner).filter((group) => group.length > 1 || inner[group[0]].includes(group[0]));
  for (const loop of loops.map((group) => [...group].sort((a, b) => a - b)).sort((a, b) => a[0] - b[0])) {
    const ids = loop.map((j) => `"${String(list[j].id)}"`).join(' -> ');
    const message = `steps ${ids} can loop forever: the loop has no approval, task, wait or event step`;
    errors.push({ code: 'CYCLE', path: joinPointer(path, loop[0]), message });
  }
  return errors;
}

/** Tarjan's strongly connected components, iterative (a block of 100 000 steps must not overflow the stack). */
function stronglyConnected(successors: number[][]): number[][] {
  const count = successors.length;
  const index = new Array<number>(count).fill(-1);
  const low = new Array<number>(count).fill(0);
  const onStack = new Array<boolean>(count).fill(false);
  const stack: number[] = [];
  const groups: number[][] = [];
  let next = 0;
  for (let root = 0; root < count; root++) {
    if (index[root] !== -1) continue;
    // Each frame: a node and how many of its successors were visited.
    const frames: [number, number][] = [[root, 0]];
    index[root] = low[root] = next++;
    stack.push(root);
    onStack[root] = true;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const [v, k] = frame;
      if (k < successors[v].length) {
        frame[1] = k + 1;
        const w = successors[v][k];
        if (index[w] === -1) {
          index[w] = low[w] = next++;
          stack.push(w);
          onStack[w] = true;
          frames.push([w, 0]);
        } else if (onStack[w]) {
          low[v] = Math.min(low[v], index[w]);
        }
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const parent = frames[frames.length - 1][0];
        low[parent] = Math.min(low[parent], low[v]);
      }
      if (low[v] === index[v]) {
        const group: number[] = [];
        let w: number;
        do {
          w = stack.pop() as number;
          onStack[w] = false;
          group.push(w);
        } while (w !== v);
        groups.push(group);
      }
    }
  }
  return groups;
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
