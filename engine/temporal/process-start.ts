import type { MikroORM } from '@mikro-orm/postgresql';
import { prepareProcessRun, type ProcessRunRequest } from '../db/process-runs.js';
import { ProcessInstanceEntity } from '../db/entities.js';
import type { FlowClient } from './client.js';

/** What starting a run needs: the API's deps, or the worker's for the stage actions of workflow writes. */
export interface StartDeps {
  orm: MikroORM;
  flow: FlowClient;
  /** Process runs continue as new after this many history events (default: when Temporal suggests it). */
  processHistoryLimit?: number;
}

export type ProcessStartRequest = ProcessRunRequest & { input?: Record<string, unknown> };

/**
 * Starts a run of a configured process under its business key `<process>:<entity>:<recordId>`. Used by the process
 * API and by every trigger (record create / update, stage entry, schedule, event): at most one run per business key,
 * so a start while one is running returns the running one.
 */
export async function startProcessRun(deps: StartDeps, request: ProcessStartRequest): Promise<{ id: string; status: string }> {
  const prepared = await prepareProcessRun(deps.orm.em.fork(), request, { historyLimit: deps.processHistoryLimit });
  if (prepared.status === 'running') return { id: prepared.processId, status: 'running' };
  try {
    await deps.flow.startProcess(prepared.input, prepared.memo);
  } catch (error) {
    await markStartFailed(deps, prepared.input.processId, error as Error);
    throw error;
  }
  return { id: prepared.input.processId, status: 'running' };
}

/** A run whose workflow never started must not block the next start of the same business key. */
async function markStartFailed(deps: StartDeps, id: string, error: Error): Promise<void> {
  await deps.orm.em.fork().nativeUpdate(ProcessInstanceEntity, { id, status: 'running' }, {
    status: 'failed', endedAt: new Date(), error: { code: 'START_FAILED', message: error.message },
  });
}
