/**
 * The process language: a discriminated union of step types on `type`. schemas/meta/process.schema.json is the
 * source of truth for validation; test/unit/generated-types.test.ts checks that these types and the generated ones
 * agree. docs/processes.md has an example of each.
 */
import type { ApproverSpec as ChainApproverSpec } from '../approval/types.js';
import type { LocalizedText } from './types.js';

/** A CEL expression, evaluated against `record`, `previous`, `requester`, `now`, `vars` and `event`. */
export type CelExpression = string;
/** An ISO 8601 duration such as `P7D` or `PT4H`. */
export type IsoDuration = string;

/** A value written by `set` / `createRecord`: a literal, or `{expr}` computed by CEL when the step runs. */
export type ValueSpec = string | number | boolean | null | unknown[] | { expr: CelExpression } | Record<string, unknown>;

export type Trigger =
  | { on: 'manual' }
  | { on: 'create'; when?: CelExpression }
  | { on: 'update'; when?: CelExpression }
  | { on: 'stage'; pipeline: string; stage: string }
  | { on: 'schedule'; cron: string; filter?: CelExpression }
  | { on: 'event'; event: string };

/** Interrupts the step (or block) it is attached to: an event, or a timer after a duration / at a CEL date. */
export type Boundary =
  | { event: string; correlate?: CelExpression; goto: string }
  | { after: IsoDuration; calendar?: string; goto: string }
  | { until: CelExpression; goto: string };

interface StepBase {
  id: string;
  label?: LocalizedText;
  /** Skip the step unless this holds. */
  when?: CelExpression;
  /** The step that runs after this one (default: the next in the list). */
  next?: string;
  boundary?: Boundary[];
}

/** How candidates are ranked among the holders of a role / skill. */
export interface AssignmentRule {
  role?: string;
  skill?: string;
  pick: 'leastLoad' | 'roundRobin';
}

export interface TaskForm {
  schema: Record<string, unknown>;
  ui?: Record<string, unknown>;
}

export interface TaskStep extends StepBase {
  type: 'task';
  title: LocalizedText;
  /** One person: an approver spec (the requester never among them), or `"requester"` for the requester's own task. */
  assignee?: ChainApproverSpec | 'requester';
  candidates?: ChainApproverSpec | ChainApproverSpec[];
  rule?: AssignmentRule;
  form?: TaskForm;
  /** The answers the task takes; default `["complete"]`. */
  outcomes?: string[];
  /** Due after this duration (on `calendar` when given). */
  due?: IsoDuration;
  calendar?: string;
  /** Not claimed within this time: the task moves to the next candidate of the ranking. */
  accept?: { within: IsoDuration; calendar?: string };
  /** Record fields written from the answers: field -> CEL over `form`, `record`, `vars`. */
  outputs?: Record<string, CelExpression>;
}

export interface ApprovalStepRef extends StepBase {
  type: 'approval';
  chain: string;
}

export interface NotifyAction { to: NotifyTarget; message: LocalizedText }
export type NotifyTarget = { field: string } | ChainApproverSpec;

export interface ActionStep extends StepBase {
  type: 'action';
  action: 'set' | 'notify' | 'createRecord' | 'webhook' | 'startProcess' | 'score' | 'updateRecord' | 'readRecord';
  /** `set`: field -> value (of this record; of the `entity` record `record` names for `updateRecord`). */
  set?: Record<string, ValueSpec>;
  /** `notify` */
  to?: NotifyTarget;
  message?: LocalizedText;
  /** `createRecord`: the new record's entity and data; `updateRecord` / `readRecord`: the entity of the record written / read. */
  entity?: string;
  data?: Record<string, ValueSpec>;
  /** `webhook`: the event name delivered to the matching webhook subscriptions, with a payload. */
  event?: string;
  payload?: Record<string, ValueSpec>;
  /** `startProcess`: a process started without waiting for it, on `record` (a CEL id; default this record). `updateRecord`: the record written; `readRecord`: the record read into `vars.<step>.record`. */
  process?: string;
  record?: CelExpression;
  /** `score`: the scorecard (by name from the bundle's `scorecards`, or inline); its result lands in `vars.<step>` and, with `into`, in record fields. */
  scorecard?: Scorecard | string;
  into?: { total?: string; grade?: string; explanation?: string };
}

export interface ScorecardItem {
  id: string;
  label?: LocalizedText;
  /** The group the item is subtotalled in. */
  group?: string;
  /** The item counts only when this holds. */
  when?: CelExpression;
  /** A number, or CEL yielding one. */
  points: number | CelExpression;
  /** Default 1. */
  weight?: number;
}

/** Points of items added up (each times its weight); the grade is the first band (highest `min` first) the total reaches. */
export interface Scorecard {
  schemaVersion?: 1;
  label?: LocalizedText;
  description?: LocalizedText;
  /** Labels and subtotals only: a category holding items, an item holding aspects. */
  groups?: ScorecardGroup[];
  items: ScorecardItem[];
  grades?: { min: number; grade: string; label?: LocalizedText }[];
}

export interface ScorecardGroup {
  id: string;
  label?: LocalizedText;
  /** The group this one belongs to. */
  parent?: string;
}

export interface DecisionBranch {
  when: CelExpression;
  goto: string;
}

export interface DecisionRule {
  when: CelExpression;
  output?: unknown;
  goto?: string;
  /** For hit policy `priority`: the highest wins. */
  priority?: number;
}

export interface DecisionTable {
  hitPolicy: 'first' | 'unique' | 'priority' | 'collect';
  /** For `collect`: fold the numeric outputs. */
  aggregate?: 'sum' | 'count' | 'min' | 'max';
  rules: DecisionRule[];
}

export interface DecisionStep extends StepBase {
  type: 'decision';
  branches?: DecisionBranch[];
  /** A decision table, inline or by name from the bundle's `decisionTables`. */
  table?: DecisionTable | string;
  otherwise?: string;
}

export interface WaitStep extends StepBase {
  type: 'wait';
  for?: IsoDuration;
  /** A CEL date or timestamp; re-evaluated when the record changes, so the timer follows the date it reads. */
  until?: CelExpression;
  calendar?: string;
}

export interface EventStep extends StepBase {
  type: 'event';
  event: string;
  correlate?: CelExpression;
  timeout?: IsoDuration;
  onTimeout?: string;
}

export interface ParallelStep extends StepBase {
  type: 'parallel';
  branches: ProcessStepV2[][];
  /** `all` (default), `any`, or the number of branches that must finish; the others are cancelled. */
  join?: 'all' | 'any' | number;
}

export interface LoopStep extends StepBase {
  type: 'loop';
  steps: ProcessStepV2[];
  /** Checked after each pass; the loop ends when it holds. */
  until?: CelExpression;
  /** Passes at most (default 100). */
  max?: number;
}

export interface SubprocessStep extends StepBase {
  type: 'subprocess';
  process: string;
  /** The record the child runs on (CEL id; default this record). */
  record?: CelExpression;
  /** Wait for the child's outcome (default true). */
  wait?: boolean;
}

export interface EndStep extends StepBase {
  type: 'end';
  outcome?: string;
}

export type ProcessStepV2 =
  | TaskStep | ApprovalStepRef | ActionStep | DecisionStep | WaitStep | EventStep | ParallelStep | LoopStep | SubprocessStep | EndStep;

export type StepType = ProcessStepV2['type'];

export interface VariableDeclaration {
  type: 'string' | 'number' | 'boolean' | 'object' | 'list';
  default?: unknown;
}

export interface ProcessDefinitionV2 {
  entity: string;
  label?: LocalizedText;
  trigger?: Trigger | Trigger[];
  /** Process variables, typed for the CEL checks. */
  variables?: Record<string, VariableDeclaration>;
  steps: ProcessStepV2[];
}
