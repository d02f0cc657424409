import { isGrpcServiceError } from '@temporalio/client';

/** gRPC statuses that mean "Temporal cannot be reached right now" (restarting, overloaded, cut off), not a bug. */
const transient = new Set<number>([14 /* UNAVAILABLE */, 4 /* DEADLINE_EXCEEDED */, 8 /* RESOURCE_EXHAUSTED */]);

/** Whether an error from the Temporal client means Temporal is unavailable: the API answers 503, the client retries. */
export function isTemporalUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  if (isGrpcServiceError(error) && transient.has(error.code)) return true;
  return isTemporalUnavailable((error as { cause?: unknown }).cause, depth + 1);
}
