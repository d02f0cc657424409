import { allSteps, processDefinition } from '../domain/process/run-input.js';
import type { SimulatedRun, SimulationStore } from './store.js';

/** The processes a definition runs as sub-processes (`subprocess` steps, waited for or not). */
function subprocessesOf(store: SimulationStore, process: string): Set<string> {
  return new Set(allSteps(processDefinition(store.bundle, process).steps).flatMap((s) => (s.type === 'subprocess' ? [s.process] : [])));
}

/**
 * The runs that are sub-processes of `processId`, at any depth, in the order they started: runs it (or one of them)
 * started with a `subprocess` step. A run a `startProcess` action started is a run of its own, not part of these.
 */
export function subprocessRuns(store: SimulationStore, processId: string): SimulatedRun[] {
  const parts = new Set<string>([processId]);
  const found: SimulatedRun[] = [];
  for (const run of store.runs.values()) {
    const parent = run.parentId ? store.runs.get(run.parentId) : undefined;
    if (!parent || !parts.has(parent.processId) || !subprocessesOf(store, parent.process).has(run.process)) continue;
    parts.add(run.processId);
    found.push(run);
  }
  return found;
}
