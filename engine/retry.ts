/** What `retrying` needs: which failures to try again, how long, and what to throw once that time is spent. */
export interface RetryPolicy {
  retriable: (error: unknown) => boolean;
  budgetMs: number;
  maxPauseMs: number;
  /** Where the budget starts: at the first call, or at the first retriable failure (when a call itself may wait long). */
  budgetFrom: 'first-call' | 'first-failure';
  giveUp: () => Error;
}

/**
 * Calls `attempt` until it returns or fails with an error the policy does not retry. Pauses start at 100 ms and
 * double up to `maxPauseMs`; a pause that would end past the budget throws `giveUp()` instead of being slept.
 */
export async function retrying<T>(attempt: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  let giveUpAt = policy.budgetFrom === 'first-call' ? Date.now() + policy.budgetMs : undefined;
  for (let failures = 0; ; failures++) {
    try {
      return await attempt();
    } catch (error) {
      if (!policy.retriable(error)) throw error;
      giveUpAt ??= Date.now() + policy.budgetMs;
      const pause = Math.min(policy.maxPauseMs, 100 * 2 ** failures);
      if (Date.now() + pause > giveUpAt) throw policy.giveUp();
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
