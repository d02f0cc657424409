import { ActivityFailure, allHandlersFinished, ApplicationFailure, CancellationScope, ChildWorkflowFailure, condition, continueAsNew, isCancellation, workflowInfo } from '@temporalio/workflow';
import { notify, publish } from '../events.js';
import { nowIso } from '../clock.js';
import { runBlock } from './block.js';
import { installProcessHandlers } from './handlers.js';
import { activities, ContinueAsNewRequest, ProcessRun } from './run.js';
import type { ProcessInput, ProcessResult } from './types.js';

/**
 * Runs a process definition against the configuration snapshot of its input. Whatever way the run ends (completed,
 * failed, cancelled), its row, its tasks and its record locks end final; errors fail the run, never its workflow task.
 */
export async function interpretProcess(input: ProcessInput): Promise<ProcessResult> {
  const run = new ProcessRun(input);
  installProcessHandlers(run);
  const { processId, process, entity, recordId, requester } = input;
  const event = (outcome?: string) => ({ processId, process, entity, recordId, requester, outcome, at: nowIso() });
  if (!input.carried) await publish({ event: 'process.started', payload: event(), idempotencyKey: `${processId}:${run.runTag}:started` });

  let handover: ContinueAsNewRequest | undefined;
  try {
    const result = await runBlock(run, input.definition.steps, { topLevel: true, resumeAt: input.carried?.at, resumePass: input.carried?.loopPass });
    run.outcome = result.end ?? run.lastOutcome ?? 'completed';
    run.status = 'completed';
  } catch (error) {
    if (error instanceof ContinueAsNewRequest) {
      handover = error;
    } else {
      const cancelled = isCancellation(error);
      run.status = cancelled ? 'cancelled' : 'failed';
      const failure = cancelled ? undefined : asFailure(error);
      run.log('process', run.status, failure ? { code: failure.type ?? 'FAILED', message: failure.message } : undefined);
      await CancellationScope.nonCancellable(() => finalize(run, failure));
      throw failure ?? error;
    }
  }
  if (handover) {
    run.log('process', 'continued-as-new', { at: handover.at, generation: run.generation + 1 });
    await condition(allHandlersFinished);
    return continueAsNew<(i: ProcessInput) => Promise<ProcessResult>>({ ...input, carried: run.carry(handover.at, handover.loopPass) });
  }

  await finalize(run);
  await notify({
    to: [requester], kind: 'process.completed', title: `${process}: ${run.outcome}`, body: `Your ${entity} request ended ${run.outcome}.`,
    link: { entity, recordId, processId }, idempotencyKey: `${processId}:${run.runTag}:completed`,
  });
  await publish({ event: 'process.completed', payload: event(run.outcome), idempotencyKey: `${processId}:${run.runTag}:completed` });
  await condition(allHandlersFinished);
  return { outcome: run.outcome!, timeline: run.timeline };
}

async function finalize(run: ProcessRun, failure?: ApplicationFailure): Promise<void> {
  await activities.finalizeProcess({
    processId: run.input.processId, workflowId: workflowInfo().workflowId, status: run.status as 'completed' | 'failed' | 'cancelled',
    outcome: run.outcome ?? null, timeline: run.timeline, vars: run.vars,
    ...(failure ? { error: { code: failure.type ?? 'FAILED', message: failure.message } } : {}),
  });
}

/** Any error as a non-retryable failure with a code (the cause's, for a failed activity or child). */
function asFailure(error: unknown): ApplicationFailure {
  let cause: unknown = error;
  while ((cause instanceof ActivityFailure || cause instanceof ChildWorkflowFailure) && cause.cause) cause = cause.cause;
  if (cause instanceof ApplicationFailure) {
    return ApplicationFailure.create({ type: cause.type ?? 'FAILED', message: cause.message, nonRetryable: true, cause: error as Error });
  }
  return ApplicationFailure.create({ type: 'INTERPRETER_ERROR', message: (error as Error)?.message ?? String(error), nonRetryable: true });
}
