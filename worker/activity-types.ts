import type { Resolution, ApproverSpecInput } from '../engine/domain/approval/index.js';

export type { TaskProjection } from '../engine/db/tasks.js';
import type { TaskProjection } from '../engine/db/tasks.js';

export interface TaskClosure {
  taskId: string;
  status: 'completed' | 'cancelled';
  outcome?: string;
  actor?: string;
  /** The approver a delegate decided for. */
  onBehalfOf?: string;
  comment?: string;
  /** A user task's form answers. */
  data?: Record<string, unknown>;
  at: string;
  entity: string;
  recordId: string;
  processId: string;
  stepId: string;
}

export interface TaskReassignment {
  taskId: string;
  approvers: string[];
  from: string[];
  actor: string;
  comment?: string;
  at: string;
  entity: string;
  recordId: string;
  processId: string;
}

export interface RecordUpdate {
  entity: string;
  recordId: string;
  set: Record<string, unknown>;
  actor: string;
  idempotencyKey: string;
  context?: Record<string, unknown>;
}

export interface ProcessStateUpdate {
  id: string;
  status: string;
  timeline: unknown[];
  ended: boolean;
}

/** Every side effect a workflow may cause. Each is idempotent, keyed by deterministic ids. */
export interface FlowActivities {
  loadRecord(input: { entity: string; recordId: string }): Promise<Record<string, unknown>>;
  resolveApprovers(input: { spec: ApproverSpecInput; requester: string; approver?: string; record?: Record<string, unknown>; exclude?: string[] }): Promise<Resolution>;
  openTask(task: TaskProjection): Promise<void>;
  closeTask(closure: TaskClosure): Promise<void>;
  reassignTask(change: TaskReassignment): Promise<void>;
  updateRecord(update: RecordUpdate): Promise<void>;
  saveProcessState(update: ProcessStateUpdate): Promise<void>;
  /** Marks the record as pending this approval: locked fields, and whether edits should wake the workflow. */
  openPendingApproval(input: { recordId: string; workflowId: string; lockedFields: string[]; onRecordChange: 'continue' | 'reevaluate' | 'restart' }): Promise<void>;
  closePendingApproval(input: { recordId: string; workflowId: string }): Promise<void>;
}
