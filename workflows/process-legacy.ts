import { executeChild, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { FlowActivities } from '../worker/activity-types.js';
import { evaluateCondition } from '../engine/domain/cel.js';
import { approvalWorkflow } from './approval.js';
import type { ProcessInput, ProcessResult } from './interpreter/types.js';
import { processStateQuery, businessEventSignal, type ProcessState, type BusinessEvent } from './messages.js';
import { nowIso } from './clock.js';
import { notify, publish } from './events.js';
import { isApprovalStep, isDecisionStep, isActionStep, isEndStep, type ProcessStep, type ActionProcessStep } from '../engine/domain/config/types.js';

const activities = proxyLocalActivities<FlowActivities>({
  // short idempotent database writes: run in the worker itself, no task-queue round trip per call
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

/** The interpreter of runs started before `interpreter-v2`: kept unchanged so their histories replay. */
export async function legacyProcessWorkflow(input: ProcessInput): Promise<ProcessResult> {
  const state: ProcessState = { status: 'running', timeline: [] };
  const events: BusinessEvent[] = [];
  const log = (step: string, event: string, detail?: Record<string, unknown>) => state.timeline.push({ at: nowIso(), step, event, detail });
  setHandler(processStateQuery, () => state);
  setHandler(businessEventSignal, (event) => {
    events.push(event);
    log(state.currentStep ?? 'process', `event:${event.name}`);
  });

  const event = (outcome?: string) => ({ processId: input.processId, process: input.process, entity: input.entity, recordId: input.recordId, requester: input.requester, outcome, at: nowIso() });
  const runTag = workflowInfo().runId.slice(0, 8);
  await publish({ event: 'process.started', payload: event(), idempotencyKey: `${input.processId}:${runTag}:started` });
  const steps = input.definition.steps as unknown as ProcessStep[];
  const indexOf = (id: string) => steps.findIndex((s) => s.id === id);
  let outcome = 'completed';
  let position = 0;
  let guard = 0;
  while (position >= 0 && position < steps.length && guard++ < 1000) {
    const step = steps[position];
    state.currentStep = step.id;
    let next = 'next' in step && step.next ? indexOf(step.next) : position + 1;
    if (isApprovalStep(step)) {
      const chain = input.chains[step.chain];
      const result = await executeChild(approvalWorkflow, {
        workflowId: `${workflowInfo().workflowId}:${step.id}`,
        args: [{ processId: input.processId, process: input.process, chainId: step.chain, chain, calendars: input.calendars, entity: input.entity, recordId: input.recordId, requester: input.requester }],
      });
      outcome = result.outcome;
      state.timeline.push(...(result.timeline ?? []));
      log(step.id, result.outcome, { decisions: result.decisions });
      if (result.outcome === 'recalled') break;
    } else if (isDecisionStep(step)) {
      const record = await activities.loadRecord({ entity: input.entity, recordId: input.recordId });
      const branch = step.branches.find((b) => evaluateCondition(b.when, { record, requester: input.requester, vars: { outcome } }));
      const target = branch?.goto ?? step.otherwise;
      log(step.id, 'decided', { branch: branch?.when ?? 'otherwise', goto: target ?? null });
      next = target ? indexOf(target) : position + 1;
    } else if (isActionStep(step)) {
      await runAction(step, input, outcome);
      log(step.id, 'done', { action: step.action });
    } else if (isEndStep(step)) {
      log(step.id, 'end');
      break;
    }
    position = next;
  }

  state.status = 'completed';
  state.outcome = outcome;
  state.currentStep = undefined;
  await activities.saveProcessState({ id: input.processId, status: outcome, timeline: state.timeline, ended: true });
  await notify({
    to: [input.requester], kind: 'process.completed', title: `${input.process}: ${outcome}`, body: `Your ${input.entity} request ended ${outcome}.`,
    link: { entity: input.entity, recordId: input.recordId, processId: input.processId }, idempotencyKey: `${input.processId}:${runTag}:completed`,
  });
  await publish({ event: 'process.completed', payload: event(outcome), idempotencyKey: `${input.processId}:${runTag}:completed` });
  return { outcome, timeline: state.timeline };
}

async function runAction(step: ActionProcessStep, input: ProcessInput, outcome: string): Promise<void> {
  const key = `${workflowInfo().workflowId}:${workflowInfo().runId.slice(0, 8)}:${step.id}`;
  if (step.action === 'set' && step.set) {
    await activities.updateRecord({ entity: input.entity, recordId: input.recordId, set: step.set, actor: 'system', idempotencyKey: key, context: { processId: input.processId } });
  } else if (step.action === 'notify') {
    const to = await recipients(step, input);
    const text = step.message?.en ?? `${input.process}: ${outcome}`;
    await notify({ to, kind: 'process.message', title: text, body: text, link: { entity: input.entity, recordId: input.recordId, processId: input.processId }, idempotencyKey: key });
  }
}

async function recipients(step: ActionProcessStep, input: ProcessInput): Promise<string[]> {
  const to = step.to;
  if (!to) return [input.requester];
  if ('field' in to) {
    if (to.field === 'createdBy' || to.field === 'requester') return [input.requester];
    const record = await activities.loadRecord({ entity: input.entity, recordId: input.recordId });
    const value = record[to.field];
    return typeof value === 'string' ? [value] : [input.requester];
  }
  if ('user' in to) return [to.user];
  return (await activities.resolveApprovers({ spec: to, requester: '' })).users;
}
