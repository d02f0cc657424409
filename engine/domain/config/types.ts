import type { Org, Permissions } from '../../../schemas/generated/access.js';
/**
 * The configuration model as the engine uses it. schemas/meta/*.schema.json are the source of truth for validation;
 * test/unit/generated-types.test.ts checks that these types and the generated ones agree.
 */

import type {
  ApprovalMode as ApprovalModeOf,
  ApproverSpec as ChainApproverSpecOf,
  RecordChangePolicy,
  StepTimeout as StepTimeoutOf,
} from '../approval/types.js';
import type {
  ActionStep,
  ApprovalStepRef,
  DecisionBranch,
  DecisionStep,
  DecisionTable,
  EndStep,
  ProcessDefinitionV2,
  ProcessStepV2,
  Scorecard,
  Trigger,
} from './process-types.js';

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

/** A react-jsonschema-form uiSchema: keys name fields, `ui:*` keys are options. */
export type EntityUiSchema = { 'ui:order'?: string[]; [key: string]: unknown };

export interface EntityDefinition {
  label: LocalizedText;
  titleField: string;
  /** `field` is a read-only string; `pattern` uses {yyyy} {yy} {mm} {dd} and one {seq:N}. */
  numbering?: { field: string; pattern: string };
  schema: EntityDataSchema;
  ui?: EntityUiSchema;
  indexes?: string[];
  review?: { required?: boolean } | null;
  /** Checks of user writes in CEL (docs/records.md, Entity rules). */
  rules?: EntityRule[];
}

/** One entity rule: when `when` holds, an `error` refuses the write, a `warning` is reported with it. */
export interface EntityRule {
  id: string;
  when: string;
  severity: 'error' | 'warning';
  message: LocalizedText;
  /** JSON pointer of the field the problem is about. */
  path: string;
  /** Default both; an import is a create. */
  on?: ('create' | 'update')[];
  /** Sums over other records the `when` reads as `aggregates.<name>`, computed in the write's transaction. */
  aggregates?: Record<string, RuleAggregate>;
}

/**
 * An aggregate of an entity rule: the sum of `sum` over the live records of `entity` matching `where`. In both,
 * `record` is the summed record; in `where`, `subject` is the record being written.
 */
export interface RuleAggregate {
  entity: string;
  /** Field arithmetic: numeric fields of `record`, number literals, + - * and parentheses. */
  sum: string;
  /** A list filter (the CEL of `?filter=`) that may compare a field of `record` with one of `subject`. */
  where: string;
}

/** The `x-type` of a field (engine/domain/config/field-types.ts checks the JSON Schema shape each implies). */
export type FieldType =
  | 'text' | 'money' | 'percent' | 'email' | 'phone' | 'picklist' | 'multiselect' | 'reference' | 'user' | 'date' | 'datetime';

export interface PicklistValue {
  value: string;
  label: LocalizedText;
}

export interface Picklist {
  label?: LocalizedText;
  values: PicklistValue[];
}

/** What happens when a record enters a stage: fields set in the same write, then a task created and a process started. */
export interface StageOnEnter {
  set?: FieldAssignments;
  startProcess?: string;
  createTask?: StageTask;
}

/** A user task created on each entry into a stage (a generated process `stage-task.<pipeline>.<stage>`). */
export interface StageTask {
  title: LocalizedText;
  /** `"owner"` (the pipeline's owner field, the default) or one approver spec. */
  assignee?: 'owner' | ChainApproverSpec;
  candidates?: ChainApproverSpec | ChainApproverSpec[];
  /** ISO 8601 duration on `calendar` (default: the pipeline's `stale.calendar`). */
  due?: string;
  calendar?: string;
}

export interface PipelineStage {
  id: string;
  label?: LocalizedText;
  probability?: number;
  category?: 'open' | 'won' | 'lost';
  requires?: string[];
  when?: string;
  approval?: string;
  next?: string[];
  onEnter?: StageOnEnter;
  /** ISO 8601 duration on the pipeline's stale calendar; overrides `stale.after` for this stage. */
  staleAfter?: string;
}

export interface Pipeline {
  entity: string;
  label?: LocalizedText;
  field: string;
  /** CEL over `record`: which records this pipeline (sales method) is for; without it, the default of the entity. */
  appliesWhen?: string;
  /** The amount field (a number or a money object) summed by the board and reports; default `amount`. */
  amountField?: string;
  /** The user field owning the deal (reminders, forecast); default `owner`. */
  ownerField?: string;
  /** The expected close date field (forecast months); default `closeDate`. */
  closeDateField?: string;
  /** Fields that must be filled to enter a won or a lost stage. */
  reasons?: { won?: string; lost?: string };
  stages: PipelineStage[];
  transitions?: { back?: boolean; skip?: boolean; reopen?: boolean };
  stale?: { after: string; calendar?: string; remind?: string; escalate?: { after: string; to?: ApproverSpec } };
}

/** The approver specs, modes and timeouts of approval chains: see engine/domain/approval/types.ts and docs/approvals.md. */
export type ChainApproverSpec = ChainApproverSpecOf;
/** Escalation target of a step timeout: any approver spec; defaults to `{managerOf: 'approver'}`. */
export type EscalationTarget = ChainApproverSpecOf;
export type StepTimeout = StepTimeoutOf;
export type ChainApprovalMode = ApprovalModeOf;

export interface ApprovalStep {
  id: string;
  name?: LocalizedText;
  /** CEL; without it the step always applies. */
  when?: string;
  approvers: ChainApproverSpec | ChainApproverSpec[];
  /** Defaults to `any`. */
  mode?: ChainApprovalMode;
  onReject?: 'end' | 'previous';
  /** Defaults to true. */
  allowRequestChanges?: boolean;
  timeout?: StepTimeout;
}

export interface ApprovalChain {
  entity: string;
  /** CEL; without it every request enters the chain. */
  entry?: string;
  lock?: string[];
  /** An approver of an earlier step may not decide a later one. */
  distinctApprovers?: boolean;
  /** Defaults to `continue`. */
  onRecordChange?: RecordChangePolicy;
  steps: ApprovalStep[];
  onSubmit?: RecordUpdate;
  onApproved?: RecordUpdate;
  onRejected?: RecordUpdate;
  onRecall?: RecordUpdate;
  onChangesRequested?: RecordUpdate;
}

/** The process language (engine/domain/config/process-types.ts): definitions, triggers and the union of step types. */
export type ProcessDefinition = ProcessDefinitionV2;
export type ProcessStep = ProcessStepV2;
export type ProcessTrigger = Trigger;
export type { DecisionBranch, DecisionTable, NotifyTarget, Scorecard } from './process-types.js';

export type ApprovalProcessStep = ApprovalStepRef;
/** A decision by CEL branches: the form the first interpreter runs (a decision by table has no `branches`). */
export type DecisionProcessStep = DecisionStep & { branches: DecisionBranch[] };
export type ActionProcessStep = ActionStep;
export type EndProcessStep = EndStep;

export interface Role {
  label: LocalizedText;
  permissions?: Permissions;
}

export interface Bundle {
  schemaVersion: 1;
  /** Present on bundles returned by GET /api/config; ignored on input. */
  version?: unknown;
  /** Present on bundles returned by GET /api/config; ignored on input. */
  hash?: unknown;
  locales?: string[];
  entities: Record<string, EntityDefinition>;
  approvalChains: Record<string, ApprovalChain>;
  processes: Record<string, ProcessDefinition>;
  decisionTables?: Record<string, DecisionTable>;
  scorecards?: Record<string, Scorecard>;
  roles?: Record<string, Role>;
  org?: Org;
  picklists?: Record<string, Picklist>;
  pipelines?: Record<string, Pipeline>;
  calendars?: Record<string, unknown>;
}

export function isApprovalStep(step: ProcessStep): step is ApprovalProcessStep {
  return step.type === 'approval';
}

export function isDecisionStep(step: ProcessStep): step is DecisionProcessStep {
  return step.type === 'decision' && Array.isArray(step.branches);
}

export function isActionStep(step: ProcessStep): step is ActionProcessStep {
  return step.type === 'action';
}

export function isEndStep(step: ProcessStep): step is EndProcessStep {
  return step.type === 'end';
}
