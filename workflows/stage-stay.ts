import { ApplicationFailure, condition, continueAsNew, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { FlowActivities } from '../worker/activity-types.js';
import { staleSchedule } from '../engine/domain/pipeline/index.js';
import { decideUpdate, stageActivitySignal, stageStayEndSignal, type StageStayInput } from './messages.js';
import { nowIso, nowMs } from './clock.js';
import { notify } from './events.js';

const activities = proxyLocalActivities<FlowActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

type StayState = NonNullable<StageStayInput['state']>;

export type { StageStayInput };

export interface StageStayResult {
  reminded: boolean;
  escalated: boolean;
  ended: string;
}

/**
 * The stale-deal clock of one stay, `stage-stay:<entity>:<recordId>`: quiet since the move or the last activity, the
 * owner gets a reminder task once the stage's limit has passed, then the owner's manager an escalation; each at most
 * once per stay. Activity (signal, or completing the reminder task) restarts the quiet period. Timers only: the
 * workflow sleeps until the next deadline. It ends when the record enters another stage (a new stay replaces it) or
 * is told the stay ended.
 */
export async function stageStayWorkflow(input: StageStayInput): Promise<StageStayResult> {
  const state: StayState = input.state ?? { quietSince: nowIso(), reminded: false, escalated: false, openTasks: [] };
  let activity = 0;
  let ended: string | null = null;
  let next: StageStayInput | undefined;
  const id = workflowInfo().workflowId;
  const key = (what: string) => `${input.stayId}:${what}`;
  const rearm = () => {
    state.quietSince = nowIso();
    activity++;
  };
  setHandler(stageActivitySignal, rearm);
  setHandler(stageStayEndSignal, (signal) => {
    if (signal.next?.stayId === input.stayId) return; // the start of this very stay (signal-with-start)
    ended = signal.reason;
    next = signal.next;
  });
  setHandler(decideUpdate, async ({ taskId, actor, outcome, comment }) => {
    state.openTasks = state.openTasks.filter((t) => t.id !== taskId);
    await activities.closeTask({ taskId, status: 'completed', outcome, actor, comment, at: nowIso(), entity: input.entity, recordId: input.recordId, processId: id, stepId: `stale:${input.stage}` });
    rearm();
    return { taskId, status: 'completed' as const, outcome };
  }, {
    validator: ({ taskId, actor }) => {
      const task = state.openTasks.find((t) => t.id === taskId);
      if (!task) throw ApplicationFailure.create({ type: 'TASK_ALREADY_DECIDED', message: `task ${taskId} is not open`, nonRetryable: true });
      if (task.assignee !== actor) throw ApplicationFailure.create({ type: 'NOT_AN_APPROVER', message: `task ${taskId} is ${task.assignee}'s`, nonRetryable: true });
    },
  });

  const openTask = async (what: 'remind' | 'escalate', to: string[], title: string, owner: string) => {
    for (const user of to) {
      const taskId = `${id}:${key(what)}${to.length > 1 ? `:${user}` : ''}`;
      await activities.openTask({
        id: taskId, kind: 'task', title, workflowId: id, processId: id, process: 'stage-stay', entity: input.entity, recordId: input.recordId,
        stepId: `stale:${input.stage}`, requester: owner, assignee: user, candidates: [user], routing: [], dueAt: null, createdAt: nowIso(),
      });
      state.openTasks.push({ id: taskId, assignee: user });
    }
    await notify({ to, kind: `stage.${what === 'remind' ? 'stale' : 'stale_escalated'}`, title, body: title, link: { entity: input.entity, recordId: input.recordId, processId: id }, idempotencyKey: key(what) });
  };

  const fire = async () => {
    let record: Record<string, unknown>;
    try {
      record = await activities.loadRecord({ entity: input.entity, recordId: input.recordId });
    } catch {
      ended = 'record gone'; // deleted: nobody to remind
      return;
    }
    const schedule = staleSchedule(input.definition, input.stage, state.quietSince, input.calendar)!;
    const owner = record[schedule.remind];
    const label = input.definition.stages.find((s) => s.id === input.stage)?.label?.en ?? input.stage;
    if (!state.reminded) {
      state.reminded = true;
      if (typeof owner === 'string') await openTask('remind', [owner], `Stale deal: no activity in stage "${label}"`, owner);
      return;
    }
    state.escalated = true;
    if (typeof owner !== 'string') return;
    const spec = schedule.escalateTo ?? { managerOf: 'requester' as const };
    const { users } = await activities.resolveApprovers({ spec, requester: owner, record });
    if (users.length) await openTask('escalate', users, `Stale deal of ${owner} in stage "${label}": escalated`, owner);
  };

  for (;;) {
    const schedule = staleSchedule(input.definition, input.stage, state.quietSince, input.calendar);
    const due = !schedule ? undefined : !state.reminded ? schedule.remindAt : !state.escalated ? schedule.escalateAt : undefined;
    const seen = activity;
    if (due === undefined) {
      await condition(() => ended !== null || activity !== seen);
    } else {
      const woke = await condition(() => ended !== null || activity !== seen, Math.max(1, Date.parse(due) - nowMs()));
      if (!woke) await fire();
    }
    if (ended !== null) break;
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof stageStayWorkflow>({ ...input, state });
  }
  for (const task of state.openTasks) {
    await activities.closeTask({ taskId: task.id, status: 'cancelled', at: nowIso(), entity: input.entity, recordId: input.recordId, processId: id, stepId: `stale:${input.stage}` });
  }
  if (next) await continueAsNew<typeof stageStayWorkflow>({ ...next, state: undefined });
  return { reminded: state.reminded, escalated: state.escalated, ended: ended ?? 'ended' };
}
