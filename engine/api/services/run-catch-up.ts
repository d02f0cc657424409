import { DomainError } from '../../domain/errors.js';
import { retrying } from '../../retry.js';

/** How long a request asks a run again about a task whose row says it is open (decision 0110). */
export const RUN_CATCH_UP_MS = Number(process.env.FLOWCRM_RUN_CATCH_UP_MS ?? 5_000);

/**
 * A worker that dies after it wrote a task's row but before its workflow task completed leaves the row open while
 * the run's history does not know the task: the next worker's replay learns of it only when it reruns the step, and
 * an answer that reaches the run before that finds no such task (NOT_FOUND). While the row says the task is open,
 * that refusal means "not yet": ask again after a growing pause and, once the budget after the first refusal is
 * spent (the first ask may itself have waited for a worker), answer UNAVAILABLE (503 with Retry-After) so the client
 * retries; never 404 for a task the inbox shows.
 */
export function untilRunKnowsTask<T>(rowOpen: boolean, ask: () => Promise<T>, budgetMs = RUN_CATCH_UP_MS): Promise<T> {
  return retrying(ask, {
    retriable: (error) => rowOpen && error instanceof DomainError && error.code === 'NOT_FOUND',
    budgetMs, maxPauseMs: 1_000, budgetFrom: 'first-failure',
    giveUp: () => new DomainError('UNAVAILABLE', 'the process is still catching up with this task; retry shortly'),
  });
}
