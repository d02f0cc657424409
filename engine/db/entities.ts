import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { notificationEntities } from './notifications-entities.js';

export const UserEntity = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    username: p.string().primary(),
    displayName: p.string(),
    roles: p.json<string[]>(),
    manager: p.string().nullable(),
    /** The org unit (configuration `org.units`) the user belongs to. */
    unit: p.string().nullable(),
    passwordHash: p.string().hidden(),
    attributes: p.json<Record<string, unknown>>(),
    active: p.boolean(),
    createdAt: p.datetime(),
  },
});
export type User = InferEntity<typeof UserEntity>;

export const ConfigVersionEntity = defineEntity({
  name: 'ConfigVersion',
  tableName: 'config_versions',
  properties: {
    version: p.integer().primary().autoincrement(false),
    hash: p.string(),
    author: p.string(),
    createdAt: p.datetime(),
    bundle: p.json<Record<string, unknown>>(),
  },
});
export type ConfigVersion = InferEntity<typeof ConfigVersionEntity>;

export const RecordEntity = defineEntity({
  name: 'CrmRecord',
  tableName: 'records',
  properties: {
    id: p.uuid().primary(),
    entity: p.string(),
    data: p.json<Record<string, unknown>>(),
    version: p.integer(),
    configVersion: p.integer(),
    createdBy: p.string(),
    updatedBy: p.string(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    deletedAt: p.datetime().nullable(),
    review: p.json<Record<string, unknown>>().nullable(),
  },
});
export type CrmRecord = InferEntity<typeof RecordEntity>;

export const AuditEntryEntity = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_entries',
  properties: {
    id: p.uuid().primary(),
    entity: p.string(),
    /** Null for events about no record (logins, configuration publishes, refused requests). */
    recordId: p.uuid().nullable(),
    action: p.string(),
    actor: p.string(),
    at: p.datetime(),
    changes: p.json<Record<string, unknown>>(),
    comment: p.text().nullable(),
    context: p.json<Record<string, unknown>>(),
    idempotencyKey: p.string().nullable(),
  },
});
export type AuditEntry = InferEntity<typeof AuditEntryEntity>;

export const TaskEntity = defineEntity({
  name: 'Task',
  tableName: 'tasks',
  properties: {
    id: p.string().primary(),
    kind: p.string(),
    title: p.string(),
    workflowId: p.string(),
    processId: p.string(),
    process: p.string(),
    entity: p.string(),
    recordId: p.uuid(),
    stepId: p.string(),
    requester: p.string(),
    assignee: p.string().nullable(),
    candidates: p.json<string[]>(),
    status: p.string(),
    outcome: p.string().nullable(),
    decidedBy: p.string().nullable(),
    onBehalfOf: p.string().nullable(),
    reassignedFrom: p.string().nullable(),
    comment: p.text().nullable(),
    routing: p.json<unknown[]>(),
    dueAt: p.datetime().nullable(),
    createdAt: p.datetime(),
    completedAt: p.datetime().nullable(),
    form: p.json<{ schema: Record<string, unknown>; ui?: Record<string, unknown> }>().nullable(),
    outcomes: p.json<string[]>().nullable(),
    data: p.json<Record<string, unknown>>().nullable(),
  },
});
export type Task = InferEntity<typeof TaskEntity>;

export const ProcessInstanceEntity = defineEntity({
  name: 'ProcessInstance',
  tableName: 'process_instances',
  properties: {
    id: p.string().primary(),
    process: p.string(),
    entity: p.string(),
    recordId: p.uuid(),
    status: p.string(),
    configVersion: p.integer(),
    configHash: p.string(),
    startedBy: p.string(),
    startedAt: p.datetime(),
    endedAt: p.datetime().nullable(),
    timeline: p.json<unknown[]>(),
    outcome: p.string().nullable(),
    vars: p.json<Record<string, unknown>>(),
    error: p.json<{ code: string; message: string }>().nullable(),
    parentId: p.string().nullable(),
  },
});
export type ProcessInstance = InferEntity<typeof ProcessInstanceEntity>;

export const DelegationEntity = defineEntity({
  name: 'Delegation',
  tableName: 'delegations',
  properties: {
    id: p.uuid().primary(),
    fromUser: p.string(),
    toUser: p.string(),
    startsAt: p.datetime(),
    endsAt: p.datetime(),
    reason: p.text().nullable(),
    createdBy: p.string(),
    createdAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
  },
});
export type Delegation = InferEntity<typeof DelegationEntity>;

export const allEntities = [
  DelegationEntity,
  UserEntity,
  ConfigVersionEntity,
  RecordEntity,
  AuditEntryEntity,
  TaskEntity,
  ProcessInstanceEntity,
  ...notificationEntities,
];
