import type { AppDeps } from '../context.js';
import { ProcessInstanceEntity } from '../../db/entities.js';
import { ConfigStore } from '../../db/config-store.js';
import { RecordRepository } from '../../db/records.js';
import { DomainError } from '../../domain/errors.js';
import { evaluateCondition } from '../../domain/cel.js';
import { stageApprovalDefinition } from '../../domain/pipeline/index.js';
import type { ProcessInput } from '../../../workflows/process.js';

export interface ProcessStartRequest {
  process: string;
  entity: string;
  recordId: string;
  /** The username the run is started for (the requester of its approvals). */
  requester: string;
  input?: Record<string, unknown>;
}

type Definitions = Record<string, { entity: string; steps: ProcessInput['definition']['steps'] }>;

/**
 * Starts a run of a configured process under its business key `<process>:<entity>:<recordId>`. Used by the process
 * API and by every trigger (record create / update, stage entry, schedule, event): at most one run per business key,
 * so a start while one is running returns the running one.
 */
export async function startProcessRun(deps: AppDeps, request: ProcessStartRequest): Promise<{ id: string; status: string }> {
  const { process, entity, recordId, requester } = request;
  const em = deps.orm.em.fork();
  const config = await new ConfigStore(em).current();
  const definitions = (config.bundle.processes ?? {}) as Definitions;
  // Besides the configured processes: the approval of a pipeline stage, generated from the pipeline (docs/pipelines.md).
  const definition = Object.hasOwn(definitions, process) ? definitions[process] : stageApprovalDefinition(config.bundle, process);
  if (!definition) throw new DomainError('NOT_FOUND', `process "${process}" is not configured`, [{ path: '/process', message: 'unknown process' }]);
  if (definition.entity !== entity) {
    throw new DomainError('VALIDATION_FAILED', `process "${process}" runs on ${definition.entity}, not ${entity}`, [{ path: '/entity', message: `expected ${definition.entity}` }]);
  }
  const record = await new RecordRepository(em).get(entity, recordId);
  const chains = (config.bundle.approvalChains ?? {}) as ProcessInput['chains'];
  const used = Object.fromEntries(definition.steps.flatMap((s) => (s.type === 'approval' ? [[s.chain, chains[s.chain]]] : [])));
  for (const [name, chain] of Object.entries(used)) {
    if (chain.entry && !evaluateCondition(chain.entry, { record: record.data, requester })) {
      throw new DomainError('ENTRY_CRITERIA_NOT_MET', `this ${entity} does not meet the entry criteria of approval chain "${name}"`,
        [{ path: '/recordId', message: `entry: ${chain.entry}` }]);
    }
  }
  const id = `${process}:${entity}:${recordId}`;
  const calendars = (config.bundle.calendars ?? {}) as ProcessInput['calendars'];
  const input: ProcessInput = { processId: id, process, definition, chains: used, calendars, configVersion: config.version, entity, recordId, requester };

  await em.transactional(async (tx) => {
    const existing = await tx.findOne(ProcessInstanceEntity, { id });
    if (existing?.status === 'running') return;
    const now = new Date();
    if (existing) {
      Object.assign(existing, { status: 'running', configVersion: config.version, configHash: config.hash, startedBy: requester, startedAt: now, endedAt: null, timeline: [] });
    } else {
      tx.create(ProcessInstanceEntity, { id, process, entity, recordId, status: 'running', configVersion: config.version, configHash: config.hash, startedBy: requester, startedAt: now, endedAt: null, timeline: [] });
    }
    await tx.flush();
    await deps.flow.startProcess(input, { configVersion: config.version, configHash: config.hash });
  });
  return { id, status: 'running' };
}
