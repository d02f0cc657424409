import type { EntityManager } from '@mikro-orm/postgresql';
import { ProcessInstanceEntity } from './entities.js';
import { ConfigStore } from './config-store.js';
import { RecordRepository } from './records.js';
import { DomainError } from '../domain/errors.js';
import { evaluateCondition } from '../domain/cel.js';
import type { ProcessDefinitionV2, ProcessStepV2 } from '../domain/config/process-types.js';
import { stageApprovalDefinition } from '../domain/pipeline/index.js';
import type { ProcessInput } from '../../workflows/interpreter/types.js';

export interface ProcessRunRequest {
  process: string;
  /** When given, must be the process's entity. */
  entity?: string;
  recordId: string;
  requester: string;
  parentId?: string;
}

export type PreparedRun = { status: 'ready'; input: ProcessInput; memo: Record<string, unknown> } | { status: 'running'; processId: string };

/** Every step of a definition, nested ones (loop bodies, parallel branches) included. */
export function allSteps(steps: ProcessStepV2[]): ProcessStepV2[] {
  return steps.flatMap((s) => [s, ...(s.type === 'loop' ? allSteps(s.steps) : s.type === 'parallel' ? s.branches.flatMap(allSteps) : [])]);
}

/**
 * Checks a start against the current configuration and the record, writes the run's row (`running`) and builds the
 * workflow input: the definition with the chains, calendars and decision tables it uses, from one configuration
 * version. A run already going on the same business key is returned as `running` instead.
 */
export async function prepareProcessRun(em: EntityManager, request: ProcessRunRequest, options: { historyLimit?: number } = {}): Promise<PreparedRun> {
  const { process, recordId, requester } = request;
  const config = await new ConfigStore(em).currentFast();
  const definitions = (config.bundle.processes ?? {}) as unknown as Record<string, ProcessDefinitionV2>;
  // Besides the configured processes: the approval of a pipeline stage, generated from the pipeline (docs/pipelines.md).
  const definition = Object.hasOwn(definitions, process)
    ? definitions[process]
    : (stageApprovalDefinition(config.bundle, process) as ProcessDefinitionV2 | undefined);
  if (!definition) throw new DomainError('NOT_FOUND', `process "${process}" is not configured`, [{ path: '/process', message: 'unknown process' }]);
  const entity = request.entity ?? definition.entity;
  if (definition.entity !== entity) {
    throw new DomainError('VALIDATION_FAILED', `process "${process}" runs on ${definition.entity}, not ${entity}`, [{ path: '/entity', message: `expected ${definition.entity}` }]);
  }
  const record = await new RecordRepository(em).get(entity, recordId);
  const steps = allSteps(definition.steps);
  const chains = (config.bundle.approvalChains ?? {}) as ProcessInput['chains'];
  const used = Object.fromEntries(steps.flatMap((s) => (s.type === 'approval' && chains[s.chain] ? [[s.chain, chains[s.chain]]] : [])));
  const first = definition.steps[0];
  if (first?.type === 'approval' && used[first.chain]?.entry) {
    const chain = used[first.chain];
    if (!evaluateCondition(chain.entry!, { record: record.data, requester })) {
      throw new DomainError('ENTRY_CRITERIA_NOT_MET', `this ${entity} does not meet the entry criteria of approval chain "${first.chain}"`,
        [{ path: '/recordId', message: `entry: ${chain.entry}` }]);
    }
  }
  const id = `${process}:${entity}:${recordId}`;
  const bundle = config.bundle as { calendars?: ProcessInput['calendars']; decisionTables?: ProcessInput['decisionTables'] };
  const input: ProcessInput = {
    processId: id, process, definition, chains: used, calendars: bundle.calendars ?? {}, decisionTables: bundle.decisionTables ?? {},
    configVersion: config.version, entity, recordId, requester,
    ...(request.parentId ? { parentId: request.parentId } : {}), ...(options.historyLimit ? { historyLimit: options.historyLimit } : {}),
  };
  const running = await em.transactional(async (tx) => {
    const existing = await tx.findOne(ProcessInstanceEntity, { id });
    if (existing?.status === 'running') return true;
    const row = {
      status: 'running', configVersion: config.version, configHash: config.hash, startedBy: requester, startedAt: new Date(), endedAt: null,
      timeline: [], outcome: null, vars: {}, error: null, parentId: request.parentId ?? null,
    };
    if (existing) Object.assign(existing, row);
    else tx.create(ProcessInstanceEntity, { id, process, entity, recordId, ...row });
    await tx.flush();
    return false;
  });
  if (running) return { status: 'running', processId: id };
  return { status: 'ready', input, memo: { configVersion: config.version, configHash: config.hash } };
}

const MAX_SCHEDULED_TARGETS = 1000;

/** The records of a process's entity that a schedule firing selects (CEL filter as in record lists), oldest first. */
export async function triggerTargets(em: EntityManager, process: string, filter: string | null): Promise<{ recordId: string; requester: string }[]> {
  const config = await new ConfigStore(em).currentFast();
  const definition = (config.bundle.processes as unknown as Record<string, ProcessDefinitionV2> | undefined)?.[process];
  if (!definition) throw new DomainError('NOT_FOUND', `process "${process}" is not configured`);
  const records = new RecordRepository(em);
  const targets: { recordId: string; requester: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await records.list(definition.entity, { limit: 200, cursor, filter: filter ?? undefined });
    for (const r of page.items) targets.push({ recordId: r.id, requester: r.createdBy });
    cursor = page.nextCursor ?? undefined;
  } while (cursor && targets.length < MAX_SCHEDULED_TARGETS);
  return targets.slice(0, MAX_SCHEDULED_TARGETS);
}
