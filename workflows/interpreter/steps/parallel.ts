import { CancellationScope, isCancellation } from '@temporalio/workflow';
import type { ParallelStep } from '../../../engine/domain/config/process-types.js';
import type { StepExecutor } from '../executor.js';
import type { BlockResult } from '../types.js';

/**
 * Runs the branches side by side and joins when `all`, `any` or n of them have finished; the branches still running
 * are cancelled (their tasks closed, their timers dropped). An `end` in any branch ends the process.
 */
export const runParallel: StepExecutor<ParallelStep> = async (step, ctx) => {
  const { run } = ctx;
  const join = step.join ?? 'all';
  const need = join === 'all' ? step.branches.length : join === 'any' ? 1 : join;
  const scopes = step.branches.map(() => new CancellationScope());
  const finished: number[] = [];
  let ended: string | undefined;
  const branches = step.branches.map((steps, i) => scopes[i].run(() => ctx.runBlock(steps)));
  const joined = new Promise<void>((resolve, reject) => {
    branches.forEach((branch, i) => {
      branch.then((result: BlockResult) => {
        finished.push(i);
        run.log(step.id, 'branch-done', { branch: i });
        if (result.end !== undefined) ended ??= result.end;
        if (ended !== undefined || finished.length >= need) resolve();
      }, (error: unknown) => {
        if (!isCancellation(error)) reject(error);
      });
    });
  });
  try {
    await Promise.race([joined, CancellationScope.current().cancelRequested]);
  } finally {
    const losers = scopes.filter((_, i) => !finished.includes(i));
    losers.forEach((scope) => scope.cancel());
    await Promise.allSettled(branches);
  }
  const cancelled = step.branches.map((_, i) => i).filter((i) => !finished.includes(i));
  run.log(step.id, 'joined', { finished, cancelled });
  return ended !== undefined ? { end: ended } : {};
};
