import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

export interface DecisionInput {
  taskId: string;
  actor: string;
  outcome: string;
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
  status: 'running' | 'completed' | 'failed';
  outcome?: string;
  currentStep?: string;
  timeline: TimelineEntry[];
}

export interface ApprovalState {
  status: 'running' | 'approved' | 'rejected';
  openTasks: OpenTaskView[];
  timeline: TimelineEntry[];
}

export interface BusinessEvent {
  name: string;
  payload?: unknown;
}

/** A human decision: validated (allowed actor, open task, separation of duties) before it enters history. */
export const decideUpdate = defineUpdate<DecisionResult, [DecisionInput]>('decide');
export const approvalStateQuery = defineQuery<ApprovalState>('approvalState');
export const processStateQuery = defineQuery<ProcessState>('processState');
export const businessEventSignal = defineSignal<[BusinessEvent]>('businessEvent');

export const TASK_QUEUE_DEFAULT = 'flowcrm';
