import type { StageMove } from '../db/stage-guard.js';
import { addAudit } from '../db/records.js';
import { DomainError } from '../domain/errors.js';
import { startProcessRun, type StartDeps } from './process-start.js';
import { fireTriggers } from './triggers.js';
import { clockStageMoves } from './stage-stays.js';

/**
 * What follows committed stage moves, whichever write made them (the stage API, a PATCH, a create, an import, a
 * process's `set` or an approval's move): each stay's stale clock, the stage's `onEnter.createTask`, the processes
 * triggered by entering the stage, and the stage's `onEnter.startProcess`, through the process engine's one start path. A start the process refuses
 * (its chain's entry criteria, say) does not undo the move; it is written to the record's history instead.
 */
export async function afterStageMoves(deps: StartDeps, moves: readonly StageMove[]): Promise<void> {
  await clockStageMoves(deps.flow, moves);
  for (const move of moves) {
    try {
      await startStageTask(deps, move);
      // processes whose trigger is entering this stage, then the stage's own onEnter.startProcess
      await fireTriggers(deps, move.entity, move.recordId, { on: 'stage', pipeline: move.pipeline, stage: move.to }, move.actor);
      if (move.startProcess) await startProcessRun(deps, { process: move.startProcess, entity: move.entity, recordId: move.recordId, requester: move.actor });
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
}

/**
 * The task of the stay the move opened: one run per stay, so a repeated call starts nothing. The system requests it
 * (the mover is on the stay): approver specs never pick a run's requester, and the owner who moved the deal must get it.
 */
async function startStageTask(deps: StartDeps, move: StageMove): Promise<void> {
  if (!move.createTask) return;
  await startProcessRun(deps, { process: move.createTask, entity: move.entity, recordId: move.recordId, requester: 'system', occasion: move.stay.id });
}
