import { inject } from 'vitest';
import { startStackWith, type Stack } from './stack-core.js';

export type { Stack } from './stack-core.js';

/** A started flowcrm on a fresh database, on the run's shared Temporal server and workflow bundle. */
export function startStack(options: { worker?: boolean; loginRateLimit?: number } = {}): Promise<Stack> {
  return startStackWith({ ...options, temporalAddress: inject('temporalAddress'), workflowBundlePath: inject('workflowBundlePath') });
}
