import { allHandlersFinished, ApplicationFailure, condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { FlowActivities } from '../worker/activity-types.js';
import { planSteps, tally, checkDecision, type ApprovalMode, type ChainStep, type Decision } from '../engine/domain/approval/index.js';
import { approvalStateQuery, decideUpdate, type ApprovalState, type DecisionInput, type TimelineEntry } from './messages.js';
import { nowIso } from './clock.js';
import type { ApprovalChain, ApprovalStep } from '../engine/domain/config/types.js';

const activities = proxyActivities<FlowActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

export interface ApprovalInput {
  processId: string;
  process: string;
  chainId: string;
  chain: ApprovalChain;
  entity: string;
  recordId: string;
  requester: string;
}

export interface ApprovalResult {
  outcome: 'approved' | 'rejected';
  decisions: (Decision & { stepId: string })[];
}

interface LiveTask {
  id: string;
  stepId: string;
  approvers: string[];
  status: 'open' | 'completed' | 'cancelled';
  decidedBy: string[];
}

/** Runs one approval chain: the steps whose condition holds, in order, each waiting for its approvers. */
export async function approvalWorkflow(input: ApprovalInput): Promise<ApprovalResult> {
  const { chain, entity, recordId, requester, processId } = input;
  const runTag = workflowInfo().runId.slice(0, 8);
  const timeline: TimelineEntry[] = [];
  const tasks = new Map<string, LiveTask>();
  const decisions: (Decision & { stepId: string })[] = [];
  let status: ApprovalState['status'] = 'running';
  const log = (step: string, event: string, detail?: Record<string, unknown>) => timeline.push({ at: nowIso(), step, event, detail });

  const guard = (update: DecisionInput) => {
    const task = tasks.get(update.taskId);
    if (!task) throw ApplicationFailure.create({ type: 'NOT_FOUND', message: `task ${update.taskId} is not part of this approval`, nonRetryable: true });
    const verdict = checkDecision({ actor: update.actor, requester, outcome: update.outcome, task: { status: task.status, approvers: task.approvers, decidedBy: task.decidedBy } });
    if (!verdict.ok) throw ApplicationFailure.create({ type: verdict.code, message: verdict.message, nonRetryable: true });
    return task;
  };

  setHandler(approvalStateQuery, () => ({
    status,
    openTasks: [...tasks.values()].filter((t) => t.status === 'open').map((t) => ({ id: t.id, stepId: t.stepId, approvers: t.approvers, status: t.status })),
    timeline,
  }));

  setHandler(decideUpdate, async (update) => {
    const task = guard(update); // checked again: another decision may have been accepted since validation
    const decision = { actor: update.actor, outcome: update.outcome as Decision['outcome'], comment: update.comment, at: nowIso(), stepId: task.stepId };
    task.decidedBy.push(update.actor);
    decisions.push(decision);
    task.status = 'completed';
    log(task.stepId, update.outcome, { actor: update.actor, task: task.id, comment: update.comment ?? null });
    await activities.closeTask({
      taskId: task.id, status: 'completed', outcome: update.outcome, actor: update.actor, comment: update.comment,
      at: decision.at, entity, recordId, processId, stepId: task.stepId,
    });
    return { taskId: task.id, status: 'completed', outcome: update.outcome };
  }, { validator: (update) => void guard(update) });

  const record = await activities.loadRecord({ entity, recordId });
  const plan = planSteps(chain.steps.map(asChainStep), record, requester);
  for (const p of plan) log(p.stepId, p.applies ? 'applies' : 'skipped', { condition: p.condition ?? null, reason: p.reason });
  const applicable = chain.steps.filter((s) => plan.find((p) => p.stepId === s.id)?.applies);

  if (applicable.length && chain.onSubmit) {
    await activities.updateRecord({ entity, recordId, set: chain.onSubmit.set, actor: 'system', idempotencyKey: `${workflowInfo().workflowId}:${runTag}:submit`, context: { processId } });
  }

  let outcome: ApprovalResult['outcome'] = 'approved';
  for (const step of applicable) {
    const mode: ApprovalMode = step.mode ?? 'any';
    const resolution = await activities.resolveApprovers({ spec: step.approvers, requester });
    log(step.id, 'routed', { approvers: resolution.users, rules: resolution.rules });
    const stepTasks = await openStepTasks(input, step, mode, resolution, runTag, tasks);
    const stepDecisions = () => decisions.filter((d) => d.stepId === step.id);
    await condition(() => tally(mode, resolution.users, stepDecisions()) !== 'pending');
    await condition(allHandlersFinished); // the decision's projection is written before the next step opens
    const result = tally(mode, resolution.users, stepDecisions());
    await cancelOpen(stepTasks, input);
    if (result === 'rejected') {
      outcome = 'rejected';
      break;
    }
  }

  status = outcome;
  log('chain', outcome);
  const final = outcome === 'approved' ? chain.onApproved : chain.onRejected;
  if (final) {
    await activities.updateRecord({ entity, recordId, set: final.set, actor: 'system', idempotencyKey: `${workflowInfo().workflowId}:${runTag}:${outcome}`, context: { processId } });
  }
  await condition(allHandlersFinished);
  return { outcome, decisions };
}

/** Registers each task in workflow state before its projection is written, so a decision can never arrive first. */
async function openStepTasks(input: ApprovalInput, step: ApprovalStep, mode: ApprovalMode, resolution: { users: string[]; rules: unknown[] }, runTag: string, tasks: Map<string, LiveTask>): Promise<LiveTask[]> {
  const base = `${workflowInfo().workflowId}:${step.id}:${runTag}`;
  const groups = mode === 'all' ? resolution.users.map((u) => ({ id: `${base}:${u}`, users: [u] })) : [{ id: base, users: resolution.users }];
  const createdAt = nowIso();
  const live: LiveTask[] = [];
  for (const g of groups) {
    const task: LiveTask = { id: g.id, stepId: step.id, approvers: g.users, status: 'open', decidedBy: [] };
    tasks.set(task.id, task);
    live.push(task);
    await activities.openTask({
      id: g.id, kind: 'approval', title: `Approve ${input.entity}: ${step.name?.en ?? step.id}`,
      workflowId: workflowInfo().workflowId, processId: input.processId, process: input.process,
      entity: input.entity, recordId: input.recordId, stepId: step.id, requester: input.requester,
      assignee: g.users.length === 1 ? g.users[0] : null, candidates: g.users, routing: resolution.rules, dueAt: null, createdAt,
    });
  }
  return live;
}

async function cancelOpen(stepTasks: LiveTask[], input: ApprovalInput): Promise<void> {
  for (const t of stepTasks.filter((x) => x.status === 'open')) {
    t.status = 'cancelled';
    await activities.closeTask({ taskId: t.id, status: 'cancelled', at: nowIso(), entity: input.entity, recordId: input.recordId, processId: input.processId, stepId: t.stepId });
  }
}

function asChainStep(step: ApprovalStep): ChainStep {
  return { id: step.id, when: step.when, approvers: step.approvers, mode: step.mode };
}
