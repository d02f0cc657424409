import { condition, defineSignal, proxyLocalActivities, setHandler } from '@temporalio/workflow';

export interface BareTaskActivities {
  writeTask(input: { id: string; recordId: string; assignee: string }): Promise<void>;
}

const { writeTask } = proxyLocalActivities<BareTaskActivities>({ startToCloseTimeout: '30 seconds' });
export const doneSignal = defineSignal('done');

/** The baseline of a process start: one local activity writes the task row, then the run waits. */
export async function bareTaskWorkflow(input: { id: string; recordId: string; assignee: string }): Promise<void> {
  let done = false;
  setHandler(doneSignal, () => void (done = true));
  await writeTask(input);
  await condition(() => done);
}
