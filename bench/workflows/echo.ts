import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

export const echoUpdate = defineUpdate<string, [string]>('echo');
export const stopUpdate = defineUpdate<void, []>('stop');

/** The baseline: a workflow whose update handler does nothing but answer. */
export async function echoWorkflow(): Promise<void> {
  let done = false;
  setHandler(echoUpdate, (value) => value);
  setHandler(stopUpdate, () => void (done = true));
  await condition(() => done);
}
