import { DomainError } from '../errors.js';
import { evaluateCondition } from '../cel.js';
import type { ProcessDefinitionV2, ProcessStepV2, Scorecard } from '../config/process-types.js';
import type { Bundle } from '../config/types.js';
import { stageApprovalDefinition, stageTaskDefinition } from '../pipeline/index.js';
import type { ProcessInput } from '../../../workflows/interpreter/types.js';

/** What a run is started for: a process on a record, by a requester (and from a parent run). */
export interface RunInputRequest {
  process: string;
  /** When given, must be the process's entity. */
  entity?: string;
  recordId: string;
  requester: string;
  parentId?: string;
  /** A run once per occasion (a stage task per stay): appended to the business key; its run never starts twice. */
  occasion?: string;
}

/** The parts of a configuration bundle a run reads. */
export interface RunBundle {
  processes?: unknown;
  approvalChains?: unknown;
  calendars?: unknown;
  decisionTables?: unknown;
  scorecards?: unknown;
}

/** Every step of a definition, nested ones (loop bodies, parallel branches) included. */
export function allSteps(steps: ProcessStepV2[]): ProcessStepV2[] {
  return steps.flatMap((s) => [s, ...(s.type === 'loop' ? allSteps(s.steps) : s.type === 'parallel' ? s.branches.flatMap(allSteps) : [])]);
}

/** A run's workflow id: at most one run per process and record. */
export function businessKey(process: string, entity: string, recordId: string): string {
  return `${process}:${entity}:${recordId}`;
}

/** The definition of `process` in a bundle, or NOT_FOUND at `/process`. */
export function processDefinition(bundle: RunBundle, process: string): ProcessDefinitionV2 {
  const definitions = (bundle.processes ?? {}) as Record<string, ProcessDefinitionV2>;
  // Besides the configured processes: the approval and the task of a pipeline stage, generated from the pipeline (docs/pipelines.md).
  const pipelines = bundle as Pick<Bundle, 'pipelines'>;
  const definition = Object.hasOwn(definitions, process)
    ? definitions[process]
    : ((stageApprovalDefinition(pipelines, process) ?? stageTaskDefinition(pipelines, process)) as ProcessDefinitionV2 | undefined);
  if (!definition) throw new DomainError('NOT_FOUND', `process "${process}" is not configured`, [{ path: '/process', message: 'unknown process' }]);
  return definition;
}

/** The entity a run of `request` is on: the process's, and the request must not name another. */
export function runEntity(definition: ProcessDefinitionV2, request: RunInputRequest): string {
  const entity = request.entity ?? definition.entity;
  if (definition.entity !== entity) {
    throw new DomainError('VALIDATION_FAILED', `process "${request.process}" runs on ${definition.entity}, not ${entity}`, [{ path: '/entity', message: `expected ${definition.entity}` }]);
  }
  return entity;
}

/**
 * The workflow input of a run, from one configuration version: the definition with the chains, calendars,
 * decision tables and named scorecards it uses. Refuses a record that does not meet the entry criteria of a first approval step. Pure:
 * the caller loads the bundle and the record and writes the run's row.
 */
export function buildRunInput(
  bundle: RunBundle, configVersion: number, request: RunInputRequest, record: Record<string, unknown>, options: { historyLimit?: number } = {},
): ProcessInput {
  const { process, recordId, requester } = request;
  const definition = processDefinition(bundle, process);
  const entity = runEntity(definition, request);
  const chains = (bundle.approvalChains ?? {}) as ProcessInput['chains'];
  const used = Object.fromEntries(allSteps(definition.steps).flatMap((s) => (s.type === 'approval' && chains[s.chain] ? [[s.chain, chains[s.chain]]] : [])));
  const cards = (bundle.scorecards ?? {}) as Record<string, Scorecard>;
  const scorecards = Object.fromEntries(allSteps(definition.steps).flatMap((s) =>
    (s.type === 'action' && typeof s.scorecard === 'string' && Object.hasOwn(cards, s.scorecard) ? [[s.scorecard, cards[s.scorecard]]] : [])));
  const first = definition.steps[0];
  if (first?.type === 'approval' && used[first.chain]?.entry) {
    const chain = used[first.chain];
    if (!evaluateCondition(chain.entry!, { record, requester })) {
      throw new DomainError('ENTRY_CRITERIA_NOT_MET', `this ${entity} does not meet the entry criteria of approval chain "${first.chain}"`,
        [{ path: '/recordId', message: `entry: ${chain.entry}` }]);
    }
  }
  return {
    processId: businessKey(process, entity, recordId) + (request.occasion ? `:${request.occasion}` : ''), process, definition, chains: used,
    calendars: (bundle.calendars ?? {}) as ProcessInput['calendars'], decisionTables: (bundle.decisionTables ?? {}) as ProcessInput['decisionTables'],
    ...(Object.keys(scorecards).length ? { scorecards } : {}),
    configVersion, entity, recordId, requester,
    ...(request.parentId ? { parentId: request.parentId } : {}), ...(options.historyLimit ? { historyLimit: options.historyLimit } : {}),
  };
}
