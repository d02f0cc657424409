import { CancellationScope, patched } from '@temporalio/workflow';

/** The patch that makes local activities finish before a cancellation takes effect (and closes what they opened). */
export function activitiesFinishBeforeCancel(): boolean {
  return patched('local-activities-finish-before-cancel');
}

/**
 * Local activities of this proxy are not cancelled while they run: a scope cancelled meanwhile (a boundary that
 * fires, a losing parallel branch) lets the call finish and takes effect at the next condition or timer. Cancelling a
 * local activity that is still running in the same workflow task fails that task with "Nondeterminism error: Invalid
 * transition in state machine". Calls are never refused for a cancellation that arrived meanwhile: that would depend
 * on the order of concurrent completions, which replay need not repeat. See docs/decisions/0059; behind a patch so
 * that runs recorded before it replay as they ran.
 */
export function shielded<T extends object>(proxy: T): T {
  return new Proxy(proxy, {
    get(target, name, receiver) {
      const call = Reflect.get(target, name, receiver) as (...args: unknown[]) => Promise<unknown>;
      return (...args: unknown[]) => {
        if (!activitiesFinishBeforeCancel()) return call(...args);
        return CancellationScope.nonCancellable(() => call(...args));
      };
    },
  });
}
