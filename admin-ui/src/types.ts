import type { EntityDefinition } from '../../schemas/generated/entity.js';
import type { LocalizedText, Picklist } from '../../schemas/generated/picklist.js';

export type { EntityDefinition, LocalizedText, Picklist };

export interface User { username: string; roles: string[]; displayName?: string; manager?: string | null }

export interface Task {
  id: string; kind: 'task' | 'approval'; title: string; processId: string; process: string; entity: string; recordId: string;
  step?: string; requester?: string | null; assignee: string | null; candidates: string[];
  status: 'open' | 'claimed' | 'completed' | 'cancelled'; dueAt: string | null; createdAt: string;
}

export interface RoutingRule { rule: string; inputs: Record<string, unknown>; result: string[] }

export interface HistoryEntry { at: string; actor: string; action: string; changes: Record<string, unknown>; comment?: string; context?: Record<string, unknown> }

/** What pending approvals lock on a record (single reads only). */
export interface RecordLocks { fields: string[]; processIds: string[] }

export interface CrmRecord {
  id: string; entity: string; data: Record<string, unknown>; version: number; createdAt: string; updatedAt: string;
  createdBy?: string; updatedBy?: string; locks?: RecordLocks;
}

export interface RecordPage { items: CrmRecord[]; nextCursor: string | null; total?: number }

export interface TaskDetail extends Task {
  outcome?: string | null; decidedBy?: string | null; comment?: string | null; completedAt?: string | null;
  routing: RoutingRule[]; formSchema: Record<string, unknown>; record: CrmRecord | null; history: HistoryEntry[];
}

export interface InboxResponse { items: Task[]; counts: Record<string, number> }

export interface ProcessDefinition { entity: string; label?: LocalizedText; trigger?: { on?: string } }

export interface Config {
  version: number; hash: string;
  entities: Record<string, EntityDefinition>;
  processes?: Record<string, ProcessDefinition>;
  picklists?: Record<string, Picklist>;
}

export interface ProcessTask extends Task { decidedBy: string | null; outcome: string | null; comment: string | null }

/** `GET /api/processes/:id`. */
export interface ProcessDetail {
  id: string; process: string; entity: string; recordId: string; status: string; startedBy: string; startedAt: string;
  endedAt: string | null; currentStep: string | null; timeline: Record<string, unknown>[]; tasks: ProcessTask[]; openTasks: Task[];
}

export interface Delegation {
  id: string; from: string; to: string; startsAt: string; endsAt: string; reason: string | null; createdBy: string; revokedAt: string | null;
}

export interface Notification {
  id: string; kind: string; title: string; body: string; createdAt: string; readAt: string | null;
  link: { entity?: string; recordId?: string; taskId?: string; processId?: string; href?: string } | null;
}

export interface ConfigVersion { version: number; hash: string; author?: string; createdAt?: string; publishedAt?: string; [k: string]: unknown }

export interface ConfigChange { kind: string; name: string; change: 'added' | 'removed' | 'modified'; paths: string[] }
