import type { EntityDefinition } from '../../schemas/generated/entity';

export type { EntityDefinition };

export interface User { username: string; roles: string[]; displayName?: string; manager?: string | null }

export interface Task {
  id: string; kind: 'task' | 'approval'; title: string; processId: string; process: string; entity: string; recordId: string;
  step?: string; requester?: string | null; assignee: string | null; candidates: string[];
  status: 'open' | 'claimed' | 'completed' | 'cancelled'; dueAt: string | null; createdAt: string;
}

export interface RoutingRule { rule: string; inputs: Record<string, unknown>; result: string[] }

export interface HistoryEntry { at: string; actor: string; action: string; changes: Record<string, unknown>; comment?: string; context?: Record<string, unknown> }

export interface CrmRecord {
  id: string; entity: string; data: Record<string, unknown>; version: number; createdAt: string; updatedAt: string;
  createdBy?: string; updatedBy?: string;
}

export interface TaskDetail extends Task {
  outcome?: string | null; decidedBy?: string | null; comment?: string | null; completedAt?: string | null;
  routing: RoutingRule[]; formSchema: Record<string, unknown>; record: CrmRecord | null; history: HistoryEntry[];
}

export interface InboxResponse { items: Task[]; counts: Record<string, number> }

export interface ProcessDefinition { entity: string; label?: Record<string, string | undefined>; trigger?: { on?: string } }

export interface Config {
  version: number; hash: string;
  entities: Record<string, EntityDefinition>;
  processes?: Record<string, ProcessDefinition>;
}

export interface Notification {
  id: string; kind: string; title: string; body: string; createdAt: string; readAt: string | null;
  link: { entity?: string; recordId?: string; taskId?: string; processId?: string; href?: string } | null;
}

export interface ConfigVersion { version: number; hash: string; author?: string; createdAt?: string; publishedAt?: string; [k: string]: unknown }

export interface ConfigChange { kind: string; name: string; change: 'added' | 'removed' | 'modified'; paths: string[] }
