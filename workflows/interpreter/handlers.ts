import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { claimUpdate, decideUpdate, deliverEventUpdate, processStateQuery, recordChangedSignal, releaseUpdate, businessEventSignal, type DecisionInput, type ClaimInput } from '../messages.js';
import { nowIso } from '../clock.js';
import { activities, type ProcessRun, type UserTask } from './run.js';

function refuse(type: string, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

function liveTask(run: ProcessRun, taskId: string): UserTask {
  const task = run.tasks.get(taskId);
  if (!task) refuse('NOT_FOUND', `task ${taskId} is not open in this process`);
  if (task.status === 'completed' || task.status === 'cancelled') refuse('TASK_ALREADY_DECIDED', `task ${taskId} is ${task.status}`);
  return task;
}

/** The actor answers for themselves, or as the current delegate of a candidate. */
function vetAnswer(run: ProcessRun, update: DecisionInput): { task: UserTask; onBehalfOf?: string } {
  const task = liveTask(run, update.taskId);
  if (!task.outcomes.includes(update.outcome)) refuse('VALIDATION_FAILED', `this task takes one of: ${task.outcomes.join(', ')}`);
  const holders = task.status === 'claimed' && task.assignee ? [task.assignee] : task.candidates;
  if (holders.includes(update.actor)) return { task };
  const now = nowIso();
  const grant = (update.delegations ?? []).find((d) => d.to === update.actor && holders.includes(d.from) && d.startsAt <= now && now < d.endsAt);
  if (grant) return { task, onBehalfOf: grant.from };
  if (task.status === 'claimed') refuse('CONFLICT', `task ${task.id} is claimed by ${task.assignee}`);
  refuse('FORBIDDEN', 'this task is not yours');
}

function vetClaim(run: ProcessRun, update: ClaimInput, claiming: boolean): UserTask {
  const task = liveTask(run, update.taskId);
  if (!task.candidates.includes(update.actor)) refuse('FORBIDDEN', 'you are not a candidate for this task');
  if (claiming && task.status === 'claimed' && task.assignee !== update.actor) refuse('CONFLICT', `task is claimed by ${task.assignee}`);
  if (!claiming && (task.status !== 'claimed' || task.assignee !== update.actor)) refuse('CONFLICT', 'only the claimant can release a task');
  return task;
}

export function installProcessHandlers(run: ProcessRun): void {
  const { entity, recordId, processId } = run.input;
  setHandler(processStateQuery, () => run.state());

  setHandler(decideUpdate, async (update) => {
    const { task, onBehalfOf } = vetAnswer(run, update);
    const at = nowIso();
    task.status = 'completed';
    task.answer = { outcome: update.outcome, data: update.data ?? {}, actor: update.actor, comment: update.comment, at, onBehalfOf };
    await activities.closeTask({
      taskId: task.id, status: 'completed', outcome: update.outcome, actor: update.actor, onBehalfOf, comment: update.comment,
      data: update.data ?? {}, at, entity, recordId, processId, stepId: task.stepId,
    });
    return { taskId: task.id, status: 'completed', outcome: update.outcome };
  }, { validator: (update) => void vetAnswer(run, update) });

  for (const [definition, claiming] of [[claimUpdate, true], [releaseUpdate, false]] as const) {
    setHandler(definition, async (update) => {
      const task = vetClaim(run, update, claiming);
      task.status = claiming ? 'claimed' : 'open';
      task.assignee = claiming || task.candidates.length === 1 ? update.actor : null;
      run.log(task.stepId, claiming ? 'claimed' : 'released', { task: task.id, actor: update.actor });
      await activities.claimTask({ taskId: task.id, assignee: task.assignee, status: task.status, actor: update.actor, at: nowIso() });
      return { taskId: task.id, assignee: task.assignee, status: task.status };
    }, { validator: (update) => void vetClaim(run, update, claiming) });
  }

  setHandler(deliverEventUpdate, ({ name, payload }) => {
    run.receive(name, payload ?? null);
    return { delivered: true };
  }, {
    validator: ({ name }) => {
      if (!run.listening().includes(name)) refuse('EVENT_NOT_AWAITED', `no step of this process waits for event "${name}"`);
    },
  });

  setHandler(businessEventSignal, ({ name, payload }) => run.receive(name, payload ?? null));

  setHandler(recordChangedSignal, ({ version }) => {
    run.recordChanged();
    run.log('process', 'record-changed', { version });
  });
}
