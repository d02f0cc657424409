/**
 * The configuration model as the engine uses it. schemas/meta/*.schema.json are the source of truth for validation;
 * test/unit/generated-types.test.ts checks that these types and the generated ones agree.
 */

/** Text per locale; `en` is required. */
export type LocalizedText = { en: string; zh?: string; [locale: string]: string | undefined };

/** Who approves: a named user, every holder of a role, or the requester's manager. */
export type ApproverSpec = { user: string } | { role: string } | { managerOf: 'requester' };

export type ApprovalMode = 'any' | 'all';

/** Literal values written into top-level fields of the record. */
export type FieldAssignments = Record<string, unknown>;

export type RecordUpdate = { set: FieldAssignments };

/** A JSON Schema of type object describing the record data. */
export type EntityDataSchema = {
  type: 'object';
  properties: Record<string, Record<string, unknown> | boolean>;
  [keyword: string]: unknown;
};

export interface EntityDefinition {
  label: LocalizedText;
  titleField: string;
  numbering?: { field: string; pattern: string };
  schema: EntityDataSchema;
  ui?: Record<string, unknown>;
  indexes?: string[];
  review?: Record<string, unknown> | null;
}

export type EscalationTarget = { user: string } | { role: string } | { managerOf: 'requester' | 'approver' };

export interface StepTimeout {
  /** ISO 8601 duration. */
  after: string;
  calendar?: string;
  action?: 'escalate' | 'remind' | 'approve' | 'reject';
  to?: EscalationTarget;
}

export interface ApprovalStep {
  id: string;
  name?: LocalizedText;
  /** CEL; without it the step always applies. */
  when?: string;
  approvers: ApproverSpec | ApproverSpec[];
  /** Defaults to `any`. */
  mode?: ApprovalMode;
  timeout?: StepTimeout;
}

export interface ApprovalChain {
  entity: string;
  /** CEL; without it every request enters the chain. */
  entry?: string;
  lock?: string[];
  steps: ApprovalStep[];
  onSubmit?: RecordUpdate;
  onApproved?: RecordUpdate;
  onRejected?: RecordUpdate;
  onRecall?: RecordUpdate;
}

export interface ProcessTrigger {
  on: 'manual' | 'create' | 'update';
  when?: string;
}

export interface ApprovalProcessStep {
  id: string;
  type: 'approval';
  chain: string;
  next?: string;
}

export interface DecisionBranch {
  when: string;
  goto: string;
}

export interface DecisionProcessStep {
  id: string;
  type: 'decision';
  branches: DecisionBranch[];
  otherwise: string;
}

export type NotifyTarget = { field: string } | ApproverSpec;

export interface ActionProcessStep {
  id: string;
  type: 'action';
  action: 'set' | 'notify';
  set?: FieldAssignments;
  to?: NotifyTarget;
  message?: LocalizedText;
  next?: string;
}

export interface EndProcessStep {
  id: string;
  type: 'end';
}

export type ProcessStep = ApprovalProcessStep | DecisionProcessStep | ActionProcessStep | EndProcessStep;

export interface ProcessDefinition {
  entity: string;
  label?: LocalizedText;
  trigger?: ProcessTrigger;
  steps: ProcessStep[];
}

export interface Role {
  label: LocalizedText;
}

export interface Bundle {
  schemaVersion: 1;
  /** Present on bundles returned by GET /api/config; ignored on input. */
  version?: unknown;
  locales?: string[];
  entities: Record<string, EntityDefinition>;
  approvalChains: Record<string, ApprovalChain>;
  processes: Record<string, ProcessDefinition>;
  roles?: Record<string, Role>;
  picklists?: Record<string, Record<string, unknown>>;
  pipelines?: Record<string, Record<string, unknown>>;
}

export function isApprovalStep(step: ProcessStep): step is ApprovalProcessStep {
  return step.type === 'approval';
}

export function isDecisionStep(step: ProcessStep): step is DecisionProcessStep {
  return step.type === 'decision';
}

export function isActionStep(step: ProcessStep): step is ActionProcessStep {
  return step.type === 'action';
}

export function isEndStep(step: ProcessStep): step is EndProcessStep {
  return step.type === 'end';
}
