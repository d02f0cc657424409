import type { AppDeps } from '../context.js';
import { addAudit, type RecordRepository } from '../../db/records.js';
import type { StageMove } from '../../db/stage-guard.js';
import { DomainError } from '../../domain/errors.js';
import { startProcessRun } from './process-start.js';

/**
 * What follows a committed stage move made through the API: the entered stage's `onEnter.startProcess` through the
 * process engine's one start path. A start the process refuses (its chain's entry criteria, say) does not undo the
 * move; it is written to the record's history instead.
 */
export async function afterStageMoves(deps: AppDeps, moves: readonly StageMove[]): Promise<void> {
  for (const move of moves) {
    if (!move.startProcess) continue;
    try {
      await startProcessRun(deps, { process: move.startProcess, entity: move.entity, recordId: move.recordId, requester: move.actor });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const em = deps.orm.em.fork();
      addAudit(em, {
        entity: move.entity, recordId: move.recordId, action: 'stage:action-failed', actor: 'system',
        comment: error.message, context: { stage: move.to, startProcess: move.startProcess, code: error.code },
      });
      await em.flush();
    }
  }
}

/** Runs the effects of the moves a repository's writes committed, then forgets them. */
export async function afterWrites(deps: AppDeps, repo: RecordRepository): Promise<void> {
  const moves = repo.stageMoves.splice(0);
  await afterStageMoves(deps, moves);
}
