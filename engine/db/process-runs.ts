import type { EntityManager } from '@mikro-orm/postgresql';
import { ProcessInstanceEntity } from './entities.js';
import { ConfigStore } from './config-store.js';
import { RecordRepository } from './records.js';
import { allSteps, buildRunInput, processDefinition, runEntity, type RunInputRequest } from '../domain/process/run-input.js';
import type { ProcessInput } from '../../workflows/interpreter/types.js';
import type { ProcessDefinitionV2 } from '../domain/config/process-types.js';
import { DomainError } from '../domain/errors.js';

export type ProcessRunRequest = RunInputRequest;

export type PreparedRun = { status: 'ready'; input: ProcessInput; memo: Record<string, unknown> } | { status: 'running'; processId: string };

export { allSteps };

/**
 * Checks a start against the current configuration and the record, writes the run's row (`running`) and builds the
 * workflow input: the definition with the chains, calendars and decision tables it uses, from one configuration
 * version. A run already going on the same business key is returned as `running` instead.
 */
export async function prepareProcessRun(em: EntityManager, request: ProcessRunRequest, options: { historyLimit?: number } = {}): Promise<PreparedRun> {
  const { process, recordId, requester } = request;
  const config = await new ConfigStore(em).currentFast();
  const entity = runEntity(processDefinition(config.bundle, process), request);
  const record = await new RecordRepository(em).get(entity, recordId);
  const input = buildRunInput(config.bundle, config.version, request, record.data, options);
  const id = input.processId;
  const running = await em.transactional(async (tx) => {
    const existing = await tx.findOne(ProcessInstanceEntity, { id });
    if (existing?.status === 'running' || (!!existing && !!request.occasion && existing.status !== 'failed')) return true;
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
