import type { OrgUser } from '../domain/approval/index.js';
import { formatNumber, numberingScope, utcDateParts } from '../domain/records/features.js';
import type { ErrorDetail } from '../domain/errors.js';
import type { RunBundle } from '../domain/process/run-input.js';
import type { TimelineEntry } from '../../workflows/messages.js';
import type { TaskProjection } from '../../worker/activity-types.js';
import type { PublishEventInput } from '../../worker/notification-types.js';

/** A task as a simulation reports it. */
export interface SimulatedTask {
  id: string;
  step: string;
  kind: TaskProjection['kind'];
  title: string;
  workflowId: string;
  assignee: string | null;
  candidates: string[];
  status: 'open' | 'claimed' | 'completed' | 'cancelled';
  createdAt: string;
  completedAt: string | null;
  outcome: string | null;
  actor: string | null;
  dueAt: string | null;
  form: TaskProjection['form'];
  outcomes: string[] | null;
}

export interface SimulatedNotification {
  at: string;
  /** The workflow that sent it (kept to tell which run it belongs to; not reported). */
  workflowId?: string;
  to: string;
  kind: string;
  title: string;
}

export interface RecordChange {
  at: string;
  recordId: string;
  entity: string;
  /** Created: the whole data; updated: the fields the step set. */
  set: Record<string, unknown>;
  action: 'create' | 'update';
  actor: string;
  /** The workflow that wrote it; none for a scripted edit (kept to tell which run it belongs to; not reported). */
  workflowId?: string;
}

export interface SimulatedWebhookEvent {
  at: string;
  event: PublishEventInput['event'];
  payload: PublishEventInput['payload'];
}

export interface SimulatedRun {
  processId: string;
  process: string;
  entity: string;
  recordId: string;
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  outcome: string | null;
  timeline: TimelineEntry[];
  error?: { code: string; message: string };
  /** The run that started this one. */
  parentId?: string;
}

/** The users the simulation routes to, as read once from the directory (read-only). */
export interface SimulationUser extends OrgUser {
  attributes: Record<string, unknown>;
}

/** Entity rules of the draft bundle: validation that also fills defaults in place. */
export type EntityValidator = (data: Record<string, unknown>) => ErrorDetail[];

/**
 * Everything one simulation holds, in memory only: the records it reads and writes, the tasks projection, the runs,
 * the pending approvals, and what would have been sent (notifications, webhook events), each with its simulated time.
 */
export class SimulationStore {
  readonly records = new Map<string, { entity: string; data: Record<string, unknown> }>();
  readonly tasks = new Map<string, SimulatedTask>();
  readonly runs = new Map<string, SimulatedRun>();
  readonly pendingApprovals = new Map<string, { recordId: string; lockedFields: string[]; onRecordChange: string }>();
  readonly notifications: SimulatedNotification[] = [];
  readonly recordChanges: RecordChange[] = [];
  readonly webhooks: SimulatedWebhookEvent[] = [];
  /** Idempotency keys of the record writes already applied (a retried activity applies nothing twice). */
  readonly applied = new Set<string>();
  /** The simulation's own numbering counters, per entity and pattern period (nothing is drawn from the real ones). */
  private readonly counters = new Map<string, number>();

  constructor(
    readonly bundle: RunBundle & { entities?: unknown },
    readonly users: SimulationUser[],
    readonly validators: (entity: string) => EntityValidator,
  ) {}

  /** Numbers a new record of a numbered entity as a create does, from the simulation's own counters (starting at 1). */
  number(entity: string, data: Record<string, unknown>, at: string): void {
    const numbering = (this.bundle.entities as Record<string, { numbering?: { field: string; pattern: string } }> | undefined)?.[entity]?.numbering;
    if (!numbering || data[numbering.field] !== undefined) return;
    const date = utcDateParts(new Date(at));
    const scope = `${entity}:${numberingScope(numbering.pattern, date)}`;
    const seq = (this.counters.get(scope) ?? 0) + 1;
    this.counters.set(scope, seq);
    data[numbering.field] = formatNumber(numbering.pattern, date, seq);
  }

  /** The run a workflow belongs to: the run itself, or the run whose approval child it is (`<processId>:...`). */
  runOf(workflowId: string | undefined): SimulatedRun | undefined {
    if (!workflowId) return undefined;
    let owner: SimulatedRun | undefined;
    for (const run of this.runs.values()) {
      const owns = workflowId === run.processId || workflowId.startsWith(`${run.processId}:`);
      if (owns && (!owner || run.processId.length > owner.processId.length)) owner = run;
    }
    return owner;
  }

  /** Tasks in the order they were opened. */
  taskList(): SimulatedTask[] {
    return [...this.tasks.values()];
  }
}
