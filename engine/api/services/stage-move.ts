import type { AppDeps } from '../context.js';
import { RecordRepository, type RecordDto } from '../../db/records.js';
import { recordPipeline, type StageRequest } from '../../db/stage-guard.js';
import { stageApprovalProcessName, stageOf } from '../../domain/pipeline/index.js';
import type { Pipeline } from '../../domain/config/types.js';
import { DomainError } from '../../domain/errors.js';
import { afterWrites } from './stage-effects.js';
import { startProcessRun } from '../../temporal/process-start.js';

export interface StageMoveRequest {
  entity: string;
  recordId: string;
  to: string;
  reason?: string;
  /** Fields filled in the same write as the move (the kanban's form for the target stage's requirements). */
  data?: Record<string, unknown>;
  /** Moves the record into another pipeline of its entity. */
  pipeline?: string;
  actor: string;
  ifMatch?: number;
}

export type StageMoveResult = { moved: RecordDto } | { pending: { to: string; processId: string } };

/**
 * POST /api/records/:entity/:id/stage: one merge-patch of `data`, the reason and the stage field through the one
 * write path, so the gate of record-write applies unchanged. A target stage whose approval applies keeps the record
 * where it is (with `data` written) and starts the generated stage approval process; its approval moves the record.
 */
export async function moveStage(deps: AppDeps, request: StageMoveRequest): Promise<StageMoveResult> {
  const em = deps.orm.em.fork();
  const repo = new RecordRepository(em);
  const { entity, recordId, to } = request;
  const ctx = await repo.context(entity);
  const current = await repo.get(entity, recordId);
  const pending = current.pendingStage ?? null;
  if (pending && pending.to === to) return { pending: { to, processId: pending.processId } };
  const named = request.pipeline ? null : await recordPipeline(em, ctx, recordId, { ...current.data, ...request.data });
  const pipeline = named?.pipeline ?? (ctx.config.bundle.pipelines as Record<string, Pipeline> | undefined)?.[request.pipeline ?? ''];
  if (!pipeline) throw new DomainError('NOT_FOUND', `${entity} records are in no pipeline`, [{ path: '/to', message: 'this entity has no pipeline' }]);
  const patch: Record<string, unknown> = { ...request.data };
  const stage = stageOf(pipeline, to);
  const reasonField = stage?.category === 'won' ? pipeline.reasons?.won : stage?.category === 'lost' ? pipeline.reasons?.lost : undefined;
  if (request.reason !== undefined && reasonField) patch[reasonField] = request.reason;
  patch[pipeline.field] = to;
  const requests: StageRequest[] = [];
  const moved = await repo.patch(entity, recordId, patch, request.actor, request.ifMatch, '/data', { pipeline: request.pipeline, reason: request.reason ?? null, requests });
  await afterWrites(deps, repo, { entity, recordId });
  const asked = requests[0];
  if (!asked) return { moved };
  const started = await startProcessRun(deps, { process: stageApprovalProcessName(asked.pipeline, asked.to), entity, recordId, requester: request.actor });
  return { pending: { to: asked.to, processId: started.id } };
}
