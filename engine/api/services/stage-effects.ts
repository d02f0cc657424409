import type { AppDeps } from '../context.js';
import { addAudit, type RecordRepository } from '../../db/records.js';
import type { StageMove } from '../../db/stage-guard.js';
import { DomainError } from '../../domain/errors.js';
import { startProcessRun } from './process-start.js';
import { fireTriggers } from './triggers.js';
import { clockStageMoves, signalStageActivity } from '../../temporal/stage-stays.js';
import { pipelinesOf } from '../../domain/pipeline/index.js';

/**
 * What follows a committed stage move made through the API: the stage's `onEnter.createTask`, the processes
 * triggered by entering the stage, and the stage's `onEnter.startProcess`, through the process engine's one start
 * path. A start the process refuses (its chain's entry criteria, say) does not undo the move; it is written to the
 * record's history instead.
 */
export async function afterStageMoves(deps: AppDeps, moves: readonly StageMove[]): Promise<void> {
  await clockStageMoves(deps.flow, moves);
  for (const move of moves) {
    await reportingFailure(deps, move, async () => {
      await startStageTask(deps, move);
      // processes whose trigger is entering this stage, then the stage's own onEnter.startProcess
      await fireTriggers(deps, move.entity, move.recordId, { on: 'stage', pipeline: move.pipeline, stage: move.to }, move.actor);
      if (move.startProcess) await startProcessRun(deps, { process: move.startProcess, entity: move.entity, recordId: move.recordId, requester: move.actor });
    });
  }
}

/** What follows imported moves: stale clocks and stage tasks (imports start no other processes, docs/pipelines.md). */
export async function afterImportedMoves(deps: AppDeps, moves: readonly StageMove[]): Promise<void> {
  await clockStageMoves(deps.flow, moves);
  for (const move of moves) await reportingFailure(deps, move, () => startStageTask(deps, move));
}

/**
 * The task of the stay the move opened: one run per stay, so a repeated call starts nothing. The system requests it
 * (the mover is on the stay): approver specs never pick a run's requester, and the owner who moved the deal must get it.
 */
async function startStageTask(deps: AppDeps, move: StageMove): Promise<void> {
  if (!move.createTask) return;
  await startProcessRun(deps, { process: move.createTask, entity: move.entity, recordId: move.recordId, requester: 'system', occasion: move.stay.id });
}

async function reportingFailure(deps: AppDeps, move: StageMove, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const em = deps.orm.em.fork();
    addAudit(em, {
      entity: move.entity, recordId: move.recordId, action: 'stage:action-failed', actor: 'system',
      comment: error.message, context: { stage: move.to, startProcess: move.startProcess ?? null, ...(move.createTask ? { createTask: move.createTask } : {}), code: error.code },
    });
    await em.flush();
  }
}

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
