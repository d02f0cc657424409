import type { AppDeps } from '../context.js';
import type { RecordRepository } from '../../db/records.js';
import { afterStageMoves } from '../../temporal/stage-effects.js';
import { signalStageActivity } from '../../temporal/stage-stays.js';
import { pipelinesOf } from '../../domain/pipeline/index.js';

/**
 * Runs the effects of the moves a repository's writes committed, then forgets them. A write of `touched` that moved
 * nothing is activity on the record: it restarts the quiet period of its stay's stale clock.
 */
export async function afterWrites(deps: AppDeps, repo: RecordRepository, touched?: { entity: string; recordId: string }): Promise<void> {
  const moves = repo.stageMoves.splice(0);
  await afterStageMoves(deps, moves);
  if (!touched || moves.some((m) => m.recordId === touched.recordId)) return;
  const ctx = await repo.context(touched.entity, 1000);
  if (pipelinesOf(ctx.config.bundle, touched.entity).length) await signalStageActivity(deps.flow, touched.entity, touched.recordId, 'field-change');
}
