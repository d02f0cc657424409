/** Who may approve one step: a named user, every active holder of a role, or the requester's manager. */
export type ApproverSpec = { user: string } | { role: string } | { managerOf: 'requester' };

/** One spec, or several whose users are merged (deduplicated, in spec order). */
export type ApproverSpecInput = ApproverSpec | ApproverSpec[];

/** One person of the organisation; `active` defaults to true. */
export type OrgUser = { username: string; roles: string[]; manager: string | null; active?: boolean };

export type Directory = OrgUser[];

/** `any`: the first response decides; `all`: every approver must approve, one rejection rejects. */
export type ApprovalMode = 'any' | 'all';

/** One step of an approval chain, as configured in `approval-chains/*.json`. */
export type ChainStep = {
  id: string;
  name?: string;
  /** CEL condition over `record` (and `requester`); without it the step always applies. */
  when?: string;
  approvers: ApproverSpecInput;
  /** Defaults to `any`. */
  mode?: ApprovalMode;
};

/** One approver's answer; `at` is an ISO-8601 timestamp supplied by the caller (the domain never reads a clock). */
export type Decision = { actor: string; outcome: 'approve' | 'reject'; comment?: string; at: string };

/** The stored explanation of why the approvers of one spec were chosen. */
export type RoutingRule = {
  /** e.g. `user:finance`, `role:regional_director`, `managerOf:requester`. */
  rule: string;
  /** What the rule looked at, e.g. `{ requester: 'sales1', manager: 'branchmgr' }`. */
  inputs: Record<string, unknown>;
  /** The users this rule contributed (inactive users and the requester already removed). */
  result: string[];
};

export type Resolution = {
  /** Deduplicated, in spec order; never contains the requester. */
  users: string[];
  /** One entry per spec, in spec order. */
  rules: RoutingRule[];
};

/** Whether one step of a chain applies to a record, and why. */
export type StepPlan = { stepId: string; applies: boolean; condition?: string; reason: string };

export type TallyResult = 'pending' | 'approved' | 'rejected';

export type TaskStatus = 'open' | 'claimed' | 'completed' | 'cancelled';

export type DecisionCheckInput = {
  actor: string;
  actorRoles?: string[];
  requester: string;
  task: { status: TaskStatus; approvers: string[]; decidedBy: string[] };
  outcome: string;
};

export type DecisionRejectionCode = 'SELF_APPROVAL' | 'NOT_AN_APPROVER' | 'TASK_ALREADY_DECIDED' | 'VALIDATION_FAILED';

export type DecisionCheck = { ok: true } | { ok: false; code: DecisionRejectionCode; message: string };
