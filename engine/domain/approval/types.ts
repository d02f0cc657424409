/** Whose manager: the requester, the approver of the task at hand (or of the previous step), or a user in a record field. */
export type ManagerOfTarget = 'requester' | 'approver' | { field: string };

/**
 * Who may approve one step (see docs/approvals.md, "Approver kinds"):
 * - `{user}` a named user; `{role}` every active holder of a role; `{group}` every active member of a group;
 * - `{managerOf, levels}` the manager `levels` up (1 = direct manager, the default) of the target;
 * - `{field}` the username(s) in a record field (a string or an array of strings);
 * - `{expression}` a CEL expression over `record` and `requester` yielding a username or a list of usernames.
 */
export type ApproverSpec =
  | { user: string }
  | { role: string }
  | { group: string }
  | { managerOf: ManagerOfTarget; levels?: number }
  | { field: string }
  | { expression: string };

/** One spec, or several whose users are merged (deduplicated, in spec order). */
export type ApproverSpecInput = ApproverSpec | ApproverSpec[];

/** One person of the organisation; `active` defaults to true. */
export type OrgUser = { username: string; roles: string[]; manager: string | null; active?: boolean; groups?: string[] };

export type Directory = OrgUser[];

/**
 * `any`: the first response decides. `all`: every approver must approve; one rejection rejects.
 * `{kOfN: k}`: approved at k approvals, rejected once k can no longer be reached.
 * `{percent: p}`: approved once approvals / approvers * 100 >= p (exact, no rounding), rejected once unreachable.
 */
export type ApprovalMode = 'any' | 'all' | { kOfN: number } | { percent: number };

export type DecisionOutcome = 'approve' | 'reject' | 'request_changes';

export type LocalizedName = { en: string; [locale: string]: string | undefined };

/** What happens when a step's deadline passes (see timeoutSchedule). */
export type TimeoutAction = 'remind' | 'escalate' | 'approve' | 'reject';

export type StepTimeout = {
  /** ISO-8601 duration from the moment the step opened, e.g. `PT48H`. */
  after: string;
  /** Name of a business calendar: `after` and `remindEvery` then count working time only. */
  calendar?: string;
  action: TimeoutAction;
  /** Reminders to the open approvers every so often (before the deadline; after it when the action is `remind`). */
  remindEvery?: string;
  /** Escalation target; defaults to `{managerOf: 'approver'}`. */
  to?: ApproverSpec;
};

/** One step of an approval chain, as configured in `approval-chains/*.json`. */
export type ChainStep = {
  id: string;
  name?: LocalizedName;
  /** CEL condition over `record` (and `requester`); without it the step always applies. */
  when?: string;
  approvers: ApproverSpecInput;
  /** Defaults to `any`. */
  mode?: ApprovalMode;
  /** `end` (default): a rejection rejects the chain; `previous`: the previous applicable step is asked again. */
  onReject?: 'end' | 'previous';
  /** Whether approvers may answer `request_changes`; defaults to true. */
  allowRequestChanges?: boolean;
  timeout?: StepTimeout;
};

/** `continue`: keep the plan; `reevaluate`: re-plan the remaining steps; `restart`: start the chain over. */
export type RecordChangePolicy = 'continue' | 'reevaluate' | 'restart';

/** One approver's answer; `at` is an ISO-8601 timestamp supplied by the caller (the domain never reads a clock). */
export type Decision = {
  actor: string;
  outcome: DecisionOutcome;
  comment?: string;
  at: string;
  /** The approver the actor decided for (a delegation); the decision counts as theirs in tally. */
  onBehalfOf?: string;
};

/** The stored explanation of why the approvers of one spec were chosen. */
export type RoutingRule = {
  /** e.g. `user:finance`, `role:regional_director`, `managerOf:requester`, `managerOf:requester^2`, `field:owner`. */
  rule: string;
  /** What the rule looked at, e.g. `{ requester: 'sales1', manager: 'branchmgr' }`. */
  inputs: Record<string, unknown>;
  /** The users this rule contributed (inactive users, excluded users and the requester already removed). */
  result: string[];
};

export type Resolution = {
  /** Deduplicated, in spec order; never contains the requester. */
  users: string[];
  /** One entry per spec, in spec order. */
  rules: RoutingRule[];
};

/** Whether one step of a chain applies to a record, and why. `completed` marks steps finished before a re-plan. */
export type StepPlan = { stepId: string; applies: boolean; condition?: string; reason: string; completed?: boolean };

export type TallyResult = 'pending' | 'approved' | 'rejected' | 'changes_requested';

export type TaskStatus = 'open' | 'claimed' | 'completed' | 'cancelled';

/** `to` acts for `from` from `startsAt` (inclusive) to `endsAt` (exclusive); both ISO-8601 with an offset. */
export type Delegation = { from: string; to: string; startsAt: string; endsAt: string };

export type DecisionCheckInput = {
  actor: string;
  actorRoles?: string[];
  requester: string;
  outcome: string;
  task: {
    status: TaskStatus;
    /** Current approvers (usernames, or `role:<name>` candidates). */
    approvers: string[];
    /** Approvers whose decision was already counted (the `onBehalfOf ?? actor` of each decision). */
    decidedBy: string[];
    /** The approvers before an escalation or reassignment; used to explain a refusal. */
    originalApprovers?: string[];
  };
  delegations?: Delegation[];
  /** When the decision is made; required when `delegations` is not empty. */
  at?: string;
  /** Who approved the earlier steps of this chain run. */
  earlierApprovers?: string[];
  distinctApprovers?: boolean;
  /** The step's `allowRequestChanges` (default true). */
  allowRequestChanges?: boolean;
};

export type DecisionRejectionCode =
  | 'SELF_APPROVAL'
  | 'NOT_AN_APPROVER'
  | 'TASK_ALREADY_DECIDED'
  | 'VALIDATION_FAILED'
  | 'SEPARATION_OF_DUTIES';

export type DecisionCheck =
  | { ok: true; onBehalfOf?: string }
  | { ok: false; code: DecisionRejectionCode; message: string };
