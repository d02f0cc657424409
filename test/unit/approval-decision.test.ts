import { describe, expect, it } from 'vitest';
import {
  checkDecision,
  resolveApprovers,
  tally,
  type Decision,
  type DecisionCheckInput,
  type Directory,
} from '../../engine/domain/approval/index.js';

type Task = DecisionCheckInput['task'];
type Expected = { ok: true } | { ok: false; code: string; message: RegExp };

const open = (approvers: string[], decidedBy: string[] = []): Task => ({ status: 'open', approvers, decidedBy });
const withStatus = (status: Task['status'], approvers: string[], decidedBy: string[] = []): Task => ({ status, approvers, decidedBy });

const rows: { name: string; input: DecisionCheckInput; expected: Expected }[] = [
  // The happy paths.
  { name: 'manager approves an open task', input: { actor: 'branchmgr', requester: 'sales1', task: open(['branchmgr']), outcome: 'approve' }, expected: { ok: true } },
  { name: 'manager rejects an open task', input: { actor: 'branchmgr', requester: 'sales1', task: open(['branchmgr']), outcome: 'reject' }, expected: { ok: true } },
  {
    name: 'approver of a claimed task',
    input: { actor: 'regiondir', requester: 'sales1', task: withStatus('claimed', ['regiondir']), outcome: 'approve' },
    expected: { ok: true },
  },
  {
    name: 'second approver of an all step after the first decided',
    input: { actor: 'finance', requester: 'sales1', task: open(['hqvp', 'finance'], ['hqvp']), outcome: 'approve' },
    expected: { ok: true },
  },
  {
    name: 'candidate by role (role:finance)',
    input: { actor: 'finance', actorRoles: ['finance'], requester: 'sales1', task: open(['role:finance']), outcome: 'approve' },
    expected: { ok: true },
  },

  // 1. Outcome must be approve, reject or request_changes.
  {
    name: 'unknown outcome',
    input: { actor: 'branchmgr', requester: 'sales1', task: open(['branchmgr']), outcome: 'maybe' },
    expected: { ok: false, code: 'VALIDATION_FAILED', message: /outcome must be "approve", "reject" or "request_changes", got "maybe"/ },
  },
  {
    name: 'empty outcome',
    input: { actor: 'branchmgr', requester: 'sales1', task: open(['branchmgr']), outcome: '' },
    expected: { ok: false, code: 'VALIDATION_FAILED', message: /got ""/ },
  },
  {
    name: 'outcome is case-sensitive',
    input: { actor: 'branchmgr', requester: 'sales1', task: open(['branchmgr']), outcome: 'Approve' },
    expected: { ok: false, code: 'VALIDATION_FAILED', message: /got "Approve"/ },
  },
  {
    name: 'a bad outcome is reported before a closed task',
    input: { actor: 'branchmgr', requester: 'sales1', task: withStatus('completed', ['branchmgr']), outcome: 'approved' },
    expected: { ok: false, code: 'VALIDATION_FAILED', message: /outcome must be/ },
  },
  {
    name: 'a bad outcome is reported before self-approval',
    input: { actor: 'sales1', requester: 'sales1', task: open(['branchmgr']), outcome: 'yes' },
    expected: { ok: false, code: 'VALIDATION_FAILED', message: /outcome must be/ },
  },

  // 2. Completed or cancelled task.
  {
    name: 'completed task',
    input: { actor: 'branchmgr', requester: 'sales1', task: withStatus('completed', ['branchmgr'], ['branchmgr']), outcome: 'approve' },
    expected: { ok: false, code: 'TASK_ALREADY_DECIDED', message: /already completed/ },
  },
  {
    name: 'cancelled task',
    input: { actor: 'branchmgr', requester: 'sales1', task: withStatus('cancelled', ['branchmgr']), outcome: 'reject' },
    expected: { ok: false, code: 'TASK_ALREADY_DECIDED', message: /already cancelled/ },
  },
  {
    name: 'a closed task is reported before self-approval',
    input: { actor: 'sales1', requester: 'sales1', task: withStatus('completed', ['branchmgr']), outcome: 'approve' },
    expected: { ok: false, code: 'TASK_ALREADY_DECIDED', message: /already completed/ },
  },
  {
    name: 'a closed task is reported before not-an-approver',
    input: { actor: 'sales2', requester: 'sales1', task: withStatus('cancelled', ['branchmgr']), outcome: 'approve' },
    expected: { ok: false, code: 'TASK_ALREADY_DECIDED', message: /already cancelled/ },
  },

  // 3. Separation of duties.
  {
    name: 'requester tries to approve',
    input: { actor: 'sales1', requester: 'sales1', task: open(['branchmgr']), outcome: 'approve' },
    expected: { ok: false, code: 'SELF_APPROVAL', message: /sales1 requested this approval/ },
  },
  {
    name: 'requester tries to reject',
    input: { actor: 'sales1', requester: 'sales1', task: open(['branchmgr']), outcome: 'reject' },
    expected: { ok: false, code: 'SELF_APPROVAL', message: /cannot decide it/ },
  },
  {
    name: 'requester listed as approver (bad data) is still refused',
    input: { actor: 'regiondir', requester: 'regiondir', task: open(['regiondir']), outcome: 'approve' },
    expected: { ok: false, code: 'SELF_APPROVAL', message: /regiondir requested/ },
  },
  {
    name: 'requester holding the candidate role is still refused',
    input: { actor: 'finance', actorRoles: ['finance'], requester: 'finance', task: open(['role:finance']), outcome: 'approve' },
    expected: { ok: false, code: 'SELF_APPROVAL', message: /finance requested/ },
  },
  {
    name: 'self-approval is reported before not-an-approver',
    input: { actor: 'sales1', requester: 'sales1', task: open(['branchmgr'], ['sales1']), outcome: 'approve' },
    expected: { ok: false, code: 'SELF_APPROVAL', message: /sales1 requested/ },
  },

  // 4. Not an approver.
  {
    name: 'a colleague of the requester',
    input: { actor: 'sales2', requester: 'sales1', task: open(['branchmgr']), outcome: 'approve' },
    expected: { ok: false, code: 'NOT_AN_APPROVER', message: /sales2 is not an approver of this task/ },
  },
  {
    name: 'a more senior user who is not on the task',
    input: { actor: 'hqvp', requester: 'sales1', task: open(['branchmgr']), outcome: 'approve' },
    expected: { ok: false, code: 'NOT_AN_APPROVER', message: /hqvp is not an approver/ },
  },
  {
    name: 'admin is not an approver by default',
    input: { actor: 'admin', actorRoles: ['admin'], requester: 'sales1', task: open(['branchmgr']), outcome: 'approve' },
    expected: { ok: false, code: 'NOT_AN_APPROVER', message: /admin is not an approver/ },
  },
  {
    name: 'actor without the candidate role',
    input: { actor: 'regiondir', actorRoles: ['regional_director'], requester: 'sales1', task: open(['role:finance']), outcome: 'approve' },
    expected: { ok: false, code: 'NOT_AN_APPROVER', message: /regiondir is not an approver/ },
  },
  {
    name: 'a role candidate needs actorRoles',
    input: { actor: 'finance', requester: 'sales1', task: open(['role:finance']), outcome: 'approve' },
    expected: { ok: false, code: 'NOT_AN_APPROVER', message: /finance is not an approver/ },
  },
  {
    name: 'a role name is not a username',
    input: { actor: 'finance', actorRoles: ['finance'], requester: 'sales1', task: open(['finance_team']), outcome: 'approve' },
    expected: { ok: false, code: 'NOT_AN_APPROVER', message: /finance is not an approver/ },
  },
  {
    name: 'an empty approver list admits nobody',
    input: { actor: 'branchmgr', requester: 'sales1', task: open([]), outcome: 'approve' },
    expected: { ok: false, code: 'NOT_AN_APPROVER', message: /branchmgr is not an approver/ },
  },
  {
    name: 'not-an-approver is reported before already-decided',
    input: { actor: 'sales2', requester: 'sales1', task: open(['branchmgr'], ['sales2']), outcome: 'approve' },
    expected: { ok: false, code: 'NOT_AN_APPROVER', message: /sales2 is not an approver/ },
  },

  // 5. The actor already decided.
  {
    name: 'approver decides twice',
    input: { actor: 'hqvp', requester: 'sales1', task: open(['hqvp', 'finance'], ['hqvp']), outcome: 'approve' },
    expected: { ok: false, code: 'TASK_ALREADY_DECIDED', message: /hqvp has already decided this task/ },
  },
  {
    name: 'approver tries to change their mind',
    input: { actor: 'hqvp', requester: 'sales1', task: withStatus('claimed', ['hqvp', 'finance'], ['hqvp']), outcome: 'reject' },
    expected: { ok: false, code: 'TASK_ALREADY_DECIDED', message: /hqvp has already decided/ },
  },
];

describe('checkDecision', () => {
  it.each(rows)('$name', ({ input, expected }) => {
    const result = checkDecision(input);
    if (expected.ok) {
      expect(result).toEqual({ ok: true });
    } else {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.code).toBe(expected.code);
      expect(result.message).toMatch(expected.message);
    }
  });

  it('does not mutate its input', () => {
    const input: DecisionCheckInput = { actor: 'finance', requester: 'sales1', task: open(['hqvp', 'finance'], ['hqvp']), outcome: 'approve' };
    const before = JSON.stringify(input);
    checkDecision(input);
    expect(JSON.stringify(input)).toBe(before);
  });

  it('returns exactly the documented shapes', () => {
    const refused = checkDecision({ actor: 'sales1', requester: 'sales1', task: open(['branchmgr']), outcome: 'approve' });
    expect(Object.keys(refused).sort()).toEqual(['code', 'message', 'ok']);
  });
});

describe('an approval step end to end (resolve -> check -> tally), demo organisation', () => {
  const directory: Directory = [
    { username: 'sales1', roles: ['sales_rep'], manager: 'branchmgr' },
    { username: 'sales2', roles: ['sales_rep'], manager: 'branchmgr' },
    { username: 'branchmgr', roles: ['branch_manager'], manager: 'regiondir' },
    { username: 'regiondir', roles: ['regional_director'], manager: 'hqvp' },
    { username: 'hqvp', roles: ['head_office'], manager: null },
    { username: 'finance', roles: ['finance'], manager: null },
  ];

  it('head-office step (mode all): both must approve, the requester and outsiders are refused', () => {
    const requester = 'sales1';
    const { users: approvers } = resolveApprovers([{ role: 'head_office' }, { role: 'finance' }], { directory, requester });
    expect(approvers).toEqual(['hqvp', 'finance']);
    const decisions: Decision[] = [];
    const decide = (actor: string, outcome: 'approve' | 'reject') => {
      const task = { status: 'open' as const, approvers, decidedBy: decisions.map((x) => x.actor) };
      const check = checkDecision({ actor, requester, task, outcome });
      if (check.ok) decisions.push({ actor, outcome, at: `2025-01-01T10:00:0${decisions.length}.000Z` });
      return check.ok ? 'ok' : check.code;
    };
    expect(decide('sales1', 'approve')).toBe('SELF_APPROVAL');
    expect(decide('regiondir', 'approve')).toBe('NOT_AN_APPROVER');
    expect(decide('hqvp', 'approve')).toBe('ok');
    expect(tally('all', approvers, decisions)).toBe('pending');
    expect(decide('hqvp', 'approve')).toBe('TASK_ALREADY_DECIDED');
    expect(decide('finance', 'approve')).toBe('ok');
    expect(tally('all', approvers, decisions)).toBe('approved');
  });

  it('branch step (mode any): the manager rejects and the step is rejected', () => {
    const requester = 'sales2';
    const { users: approvers } = resolveApprovers({ managerOf: 'requester' }, { directory, requester });
    expect(approvers).toEqual(['branchmgr']);
    expect(checkDecision({ actor: 'branchmgr', requester, task: { status: 'open', approvers, decidedBy: [] }, outcome: 'reject' })).toEqual({ ok: true });
    expect(tally('any', approvers, [{ actor: 'branchmgr', outcome: 'reject', at: '2025-01-01T10:00:00.000Z', comment: 'margin' }])).toBe('rejected');
  });
});
