import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

export interface DelegationGrant {
  from: string;
  to: string;
  startsAt: string;
  endsAt: string;
}

export interface DecisionInput {
  taskId: string;
  actor: string;
  outcome: string;
  comment?: string;
  /** The answers of a user task's form (validated against its schema by the API). */
  data?: Record<string, unknown>;
  /** Current delegations to the actor, looked up by the API; the workflow decides whether one applies. */
  delegations?: DelegationGrant[];
}

export interface ReassignInput {
  taskId: string;
  actor: string;
  actorIsAdmin: boolean;
  to: string;
  comment?: string;
}

export interface RecallInput {
  actor: string;
  comment?: string;
}

export interface DecisionResult {
  taskId: string;
  status: 'open' | 'completed';
  outcome: string;
}

export interface TimelineEntry {
  at: string;
  step: string;
  event: string;
  detail?: Record<string, unknown>;
}

export interface OpenTaskView {
  id: string;
  stepId: string;
  approvers: string[];
  status: string;
}

export interface ProcessState {
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  outcome?: string;
  currentStep?: string;
  timeline: TimelineEntry[];
  /** Interpreter runs only: the steps running now (several in parallel branches). */
  currentSteps?: string[];
  vars?: Record<string, unknown>;
  /** The business events a step or boundary waits for now. */
  listening?: string[];
  /** Approval steps' child workflows, by step id. */
  approvals?: Record<string, string>;
}

export interface ApprovalState {
  status: 'running' | 'approved' | 'rejected' | 'recalled';
  openTasks: OpenTaskView[];
  timeline: TimelineEntry[];
}

export interface BusinessEvent {
  name: string;
  payload?: unknown;
}

/** A human decision: validated (allowed actor, open task, separation of duties) before it enters history. */
export const decideUpdate = defineUpdate<DecisionResult, [DecisionInput]>('decide');
/** Hands an open task to another user (by an admin or a current approver); separation of duties still holds. */
export const reassignUpdate = defineUpdate<{ taskId: string; approvers: string[] }, [ReassignInput]>('reassign');
/** The requester withdraws a pending request. */
export const recallUpdate = defineUpdate<{ status: string }, [RecallInput]>('recall');
export const approvalStateQuery = defineQuery<ApprovalState>('approvalState');
export const processStateQuery = defineQuery<ProcessState>('processState');
/** The record under approval was edited (sent by the API after the write commits). */
export const recordChangedSignal = defineSignal<[{ version: number }]>('recordChanged');
export const businessEventSignal = defineSignal<[BusinessEvent]>('businessEvent');

export interface ClaimInput {
  taskId: string;
  actor: string;
}

export interface EventDelivery {
  name: string;
  payload?: unknown;
}

/** A candidate takes a user task (accepts it) or gives it back; owned by the process run that holds the task. */
export const claimUpdate = defineUpdate<{ taskId: string; assignee: string | null; status: string }, [ClaimInput]>('claim');
export const releaseUpdate = defineUpdate<{ taskId: string; assignee: string | null; status: string }, [ClaimInput]>('release');
/** A business event for the steps and boundaries waiting for it; refused (EVENT_NOT_AWAITED) when none is. */
export const deliverEventUpdate = defineUpdate<{ delivered: boolean }, [EventDelivery]>('deliverEvent');

export const TASK_QUEUE_DEFAULT = 'flowcrm';

/** The stale-deal clock of one stage stay (workflows/stage-stay.ts), as started after the move committed. */
export interface StageStayInput {
  entity: string;
  recordId: string;
  pipeline: string;
  stage: string;
  /** The stage_stays row: keys the reminder's and the escalation's side effects. */
  stayId: string;
  /** The pipeline as published when the record entered the stage. */
  definition: import('../engine/domain/config/types.js').Pipeline;
  calendar?: import('../engine/domain/calendar/index.js').Calendar;
  /** Carried over continue-as-new. */
  state?: { quietSince: string; reminded: boolean; escalated: boolean; openTasks: { id: string; assignee: string }[] };
}

/** Activity on a record (a field change, a completed task): restarts the quiet period of its stage stay. */
export const stageActivitySignal = defineSignal<[{ kind: string }]>('stageActivity');
/**
 * The record left the stage. With `next` (sent with signal-with-start on every move into a stage with a stale limit)
 * the workflow closes this stay's tasks and continues as the next stay; without, it ends.
 */
export const stageStayEndSignal = defineSignal<[{ reason: string; next?: StageStayInput }]>('stageStayEnd');
