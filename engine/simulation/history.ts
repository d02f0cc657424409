import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** What the history of one workflow says about where it stands. */
export interface WorkflowStanding {
  closed: boolean;
  /** No workflow task, child start or activity in flight: the workflow waits for time or for input. */
  settled: boolean;
  /** When the timers it has started and not yet seen fire or cancelled will fire (ms since the epoch). */
  timers: number[];
  /** Child workflows it started. */
  children: string[];
  /**
   * Children it has seen start and not yet seen close. A child whose own history has closed while its parent's still
   * lists it here has a result on its way to the parent: the run is not idle (see {@link runSettled}).
   */
  runningChildren: string[];
}

function ms(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  if (!ts) return 0;
  return Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1_000_000);
}

const closing = [
  'workflowExecutionCompletedEventAttributes', 'workflowExecutionFailedEventAttributes', 'workflowExecutionCanceledEventAttributes',
  'workflowExecutionTerminatedEventAttributes', 'workflowExecutionTimedOutEventAttributes',
] as const;

const childClosing = [
  'childWorkflowExecutionCompletedEventAttributes', 'childWorkflowExecutionFailedEventAttributes', 'childWorkflowExecutionCanceledEventAttributes',
  'childWorkflowExecutionTerminatedEventAttributes', 'childWorkflowExecutionTimedOutEventAttributes',
] as const;

/** Events the server records with a workflow task's completion (the commands it returned): they need no new task. */
function isCommand(e: HistoryEvent): boolean {
  if (e.workflowExecutionUpdateAcceptedEventAttributes || e.workflowExecutionUpdateCompletedEventAttributes) return true;
  return Object.entries(e).some(([key, value]) => key.endsWith('EventAttributes') && !!value
    && (value as { workflowTaskCompletedEventId?: unknown }).workflowTaskCompletedEventId != null);
}

/**
 * Reads the standing of a workflow (its latest run) from its history. Settled means: the last workflow task has
 * completed and nothing arrived after it (a fired timer, a child's result, a signal) that the server has yet to
 * schedule a workflow task for; the server appends those two separately, so the gap is visible to a reader.
 */
export function standingOf(events: HistoryEvent[]): WorkflowStanding {
  const timers = new Map<string, number>();
  let openWorkflowTasks = 0;
  let pendingStarts = 0;
  let openActivities = 0;
  /** Signals and cancellation requests sent to other workflows and not yet acknowledged as delivered or failed. */
  let externalRequests = 0;
  const running = new Map<string, string>();
  let closed = false;
  let continued = false;
  const children: string[] = [];
  let lastCompleted = -1;
  events.forEach((e, i) => {
    if (e.workflowTaskCompletedEventAttributes) lastCompleted = i;
  });
  const newsSinceLastTask = events.slice(lastCompleted + 1).some((e) => !isCommand(e));
  for (const e of events) {
    const id = String(e.eventId ?? '');
    if (e.workflowTaskScheduledEventAttributes) openWorkflowTasks++;
    if (e.workflowTaskCompletedEventAttributes || e.workflowTaskFailedEventAttributes || e.workflowTaskTimedOutEventAttributes) openWorkflowTasks--;
    if (e.timerStartedEventAttributes) timers.set(id, ms(e.eventTime) + ms(e.timerStartedEventAttributes.startToFireTimeout));
    if (e.timerFiredEventAttributes) timers.delete(String(e.timerFiredEventAttributes.startedEventId));
    if (e.timerCanceledEventAttributes) timers.delete(String(e.timerCanceledEventAttributes.startedEventId));
    if (e.startChildWorkflowExecutionInitiatedEventAttributes) {
      pendingStarts++;
      children.push(e.startChildWorkflowExecutionInitiatedEventAttributes.workflowId ?? '');
    }
    if (e.childWorkflowExecutionStartedEventAttributes || e.startChildWorkflowExecutionFailedEventAttributes) pendingStarts--;
    if (e.childWorkflowExecutionStartedEventAttributes) {
      const started = e.childWorkflowExecutionStartedEventAttributes;
      running.set(String(started.initiatedEventId ?? ''), started.workflowExecution?.workflowId ?? '');
    }
    const childClosed = childClosing.map((k) => e[k]).find(Boolean);
    if (childClosed) running.delete(String(childClosed.initiatedEventId ?? ''));
    if (e.signalExternalWorkflowExecutionInitiatedEventAttributes || e.requestCancelExternalWorkflowExecutionInitiatedEventAttributes) externalRequests++;
    if (e.externalWorkflowExecutionSignaledEventAttributes || e.signalExternalWorkflowExecutionFailedEventAttributes
      || e.externalWorkflowExecutionCancelRequestedEventAttributes || e.requestCancelExternalWorkflowExecutionFailedEventAttributes) externalRequests--;
    if (e.activityTaskScheduledEventAttributes) openActivities++;
    if (e.activityTaskCompletedEventAttributes || e.activityTaskFailedEventAttributes || e.activityTaskTimedOutEventAttributes || e.activityTaskCanceledEventAttributes) openActivities--;
    if (closing.some((k) => e[k])) closed = true;
    // the next run takes over: not the end, and not settled until that run is read
    if (e.workflowExecutionContinuedAsNewEventAttributes) continued = true;
  }
  if (continued) return { closed: false, settled: false, timers: [], children: [], runningChildren: [] };
  const idle = !newsSinceLastTask && openWorkflowTasks <= 0 && pendingStarts <= 0 && openActivities <= 0 && externalRequests <= 0;
  return {
    closed, settled: closed || idle, timers: [...timers.values()], children: children.filter(Boolean),
    runningChildren: closed ? [] : [...running.values()].filter(Boolean),
  };
}

/**
 * Whether a run is idle, from the standings of its open workflows read one after another (not at one instant): every
 * one is settled, and no parent still waits for a child that has already closed. The server appends a child's
 * close to its parent's history after the child's own; a parent read before that, and the child read after it
 * closed, would both look settled while the child's result is still on its way.
 */
export function runSettled(standings: { id: string; standing: WorkflowStanding }[], closed: ReadonlySet<string>): boolean {
  if (!standings.every((s) => s.standing.settled)) return false;
  return !standings.some((s) => s.standing.runningChildren.some((child) => closed.has(child)));
}

export async function fetchStanding(client: Client, workflowId: string): Promise<WorkflowStanding | null> {
  try {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    return standingOf(history.events ?? []);
  } catch (error) {
    // fetchHistory passes the raw gRPC error through: NOT_FOUND is code 5
    if ((error as Error).name === 'WorkflowNotFoundError' || (error as { code?: number }).code === 5) return null;
    throw error;
  }
}
