import { describe, expect, it } from 'vitest';
import {
  activeDelegation,
  checkDecision,
  delegationChain,
  effectiveAssignee,
  type Delegation,
  type DecisionCheckInput,
} from '../../engine/domain/approval/index.js';

const AT = '2026-03-02T10:00:00.000Z';
const deleg = (from: string, to: string, startsAt = '2026-03-01T00:00:00Z', endsAt = '2026-03-08T00:00:00Z'): Delegation => ({ from, to, startsAt, endsAt });
const open = (approvers: string[], decidedBy: string[] = []) => ({ status: 'open' as const, approvers, decidedBy });

describe('activeDelegation / effectiveAssignee', () => {
  it('is in force from startsAt (inclusive) to endsAt (exclusive), any offset', () => {
    const d = deleg('branchmgr', 'regiondir', '2026-03-02T18:00:00+08:00', '2026-03-02T19:00:00+08:00');
    expect(activeDelegation('branchmgr', [d], '2026-03-02T09:59:59.999Z')).toBeUndefined();
    expect(activeDelegation('branchmgr', [d], '2026-03-02T10:00:00Z')).toEqual(d);
    expect(activeDelegation('branchmgr', [d], '2026-03-02T10:59:59Z')).toEqual(d);
    expect(activeDelegation('branchmgr', [d], '2026-03-02T11:00:00Z')).toBeUndefined();
  });
  it('picks the delegation that started last, then list order', () => {
    const older = deleg('branchmgr', 'sales2', '2026-03-01T00:00:00Z');
    const newer = deleg('branchmgr', 'regiondir', '2026-03-02T00:00:00Z');
    const twin = deleg('branchmgr', 'hqvp', '2026-03-02T00:00:00Z');
    expect(effectiveAssignee('branchmgr', [older, newer, twin], AT)).toBe('regiondir');
    expect(effectiveAssignee('branchmgr', [twin, newer], AT)).toBe('hqvp');
  });
  it('follows chains, stops on cycles and ignores self-delegation', () => {
    const ds = [deleg('a', 'b'), deleg('b', 'c'), deleg('c', 'a'), deleg('x', 'x')];
    expect(delegationChain('a', ds, AT)).toEqual(['a', 'b', 'c']);
    expect(effectiveAssignee('x', ds, AT)).toBe('x');
    expect(effectiveAssignee('nobody', ds, AT)).toBe('nobody');
  });
  it('never routes a task to the requester: the hop to them is skipped', () => {
    const ds = [deleg('branchmgr', 'sales1'), deleg('regiondir', 'hqvp'), deleg('hqvp', 'sales1')];
    expect(effectiveAssignee('branchmgr', ds, AT, 'sales1')).toBe('branchmgr');
    expect(effectiveAssignee('regiondir', ds, AT, 'sales1')).toBe('hqvp');
    expect(effectiveAssignee('branchmgr', ds, AT)).toBe('sales1');
  });
  it('rejects a malformed timestamp', () => {
    expect(() => effectiveAssignee('a', [deleg('a', 'b', 'yesterday')], AT)).toThrow(/not an ISO-8601 timestamp/);
  });
});

type Expected = { ok: true; onBehalfOf?: string } | { ok: false; code: string; message: RegExp };
const base = { requester: 'sales1', outcome: 'approve', at: AT } as const;
const rows: { name: string; input: DecisionCheckInput; expected: Expected }[] = [
  { name: 'a delegate decides on behalf of the approver', input: { ...base, actor: 'regiondir', task: open(['branchmgr']), delegations: [deleg('branchmgr', 'regiondir')] }, expected: { ok: true, onBehalfOf: 'branchmgr' } },
  { name: 'through a chain of delegations', input: { ...base, actor: 'hqvp', task: open(['branchmgr']), delegations: [deleg('branchmgr', 'regiondir'), deleg('regiondir', 'hqvp')] }, expected: { ok: true, onBehalfOf: 'branchmgr' } },
  { name: 'the approver still decides while delegating', input: { ...base, actor: 'branchmgr', task: open(['branchmgr']), delegations: [deleg('branchmgr', 'regiondir')] }, expected: { ok: true } },
  { name: 'a direct approver decides for themselves even if also a delegate', input: { ...base, actor: 'finance', task: open(['hqvp', 'finance']), delegations: [deleg('hqvp', 'finance')] }, expected: { ok: true } },
  { name: 'an expired delegation', input: { ...base, actor: 'regiondir', task: open(['branchmgr']), delegations: [deleg('branchmgr', 'regiondir', '2026-02-01T00:00:00Z', '2026-03-02T10:00:00Z')] }, expected: { ok: false, code: 'NOT_AN_APPROVER', message: /regiondir is not an approver/ } },
  { name: 'a future delegation', input: { ...base, actor: 'regiondir', task: open(['branchmgr']), delegations: [deleg('branchmgr', 'regiondir', '2026-03-02T10:00:00.001Z')] }, expected: { ok: false, code: 'NOT_AN_APPROVER', message: /not an approver/ } },
  { name: 'the requester as a delegate is refused', input: { ...base, actor: 'sales1', task: open(['branchmgr']), delegations: [deleg('branchmgr', 'sales1')] }, expected: { ok: false, code: 'SELF_APPROVAL', message: /sales1 requested this approval/ } },
  { name: "the requester's delegate cannot decide for the requester", input: { ...base, actor: 'sales2', task: open(['sales1']), delegations: [deleg('sales1', 'sales2')] }, expected: { ok: false, code: 'SELF_APPROVAL', message: /on behalf of the requester sales1/ } },
  { name: 'reassigned to the requester is still refused', input: { ...base, actor: 'sales1', task: { ...open(['sales1']), originalApprovers: ['branchmgr'] } }, expected: { ok: false, code: 'SELF_APPROVAL', message: /sales1 requested/ } },
  { name: 'delegations without a time', input: { actor: 'regiondir', requester: 'sales1', outcome: 'approve', task: open(['branchmgr']), delegations: [deleg('branchmgr', 'regiondir')] }, expected: { ok: false, code: 'VALIDATION_FAILED', message: /decision time \(at\) is needed/ } },
  { name: 'the original approver after reassignment', input: { ...base, actor: 'branchmgr', task: { ...open(['regiondir']), originalApprovers: ['branchmgr'] } }, expected: { ok: false, code: 'NOT_AN_APPROVER', message: /branchmgr is not an approver of this task \(the task was reassigned to regiondir\)/ } },
  { name: 'a delegate when the approver already decided', input: { ...base, actor: 'regiondir', task: open(['hqvp', 'branchmgr'], ['branchmgr']), delegations: [deleg('branchmgr', 'regiondir')] }, expected: { ok: false, code: 'TASK_ALREADY_DECIDED', message: /branchmgr \(delegated to regiondir\) has already decided/ } },
  { name: 'a role candidate cannot be delegated', input: { ...base, actor: 'regiondir', task: open(['role:finance']), delegations: [deleg('finance', 'regiondir')] }, expected: { ok: false, code: 'NOT_AN_APPROVER', message: /not an approver/ } },
  // request_changes
  { name: 'request_changes allowed by default', input: { ...base, outcome: 'request_changes', actor: 'branchmgr', task: open(['branchmgr']) }, expected: { ok: true } },
  { name: 'request_changes allowed explicitly', input: { ...base, outcome: 'request_changes', actor: 'branchmgr', task: open(['branchmgr']), allowRequestChanges: true }, expected: { ok: true } },
  { name: 'request_changes where the step forbids it', input: { ...base, outcome: 'request_changes', actor: 'branchmgr', task: open(['branchmgr']), allowRequestChanges: false }, expected: { ok: false, code: 'VALIDATION_FAILED', message: /does not allow request_changes/ } },
  { name: 'approve where request_changes is forbidden', input: { ...base, actor: 'branchmgr', task: open(['branchmgr']), allowRequestChanges: false }, expected: { ok: true } },
  // distinct approvers
  { name: 'distinct: an earlier approver is refused', input: { ...base, actor: 'regiondir', task: open(['regiondir', 'hqvp']), distinctApprovers: true, earlierApprovers: ['regiondir'] }, expected: { ok: false, code: 'SEPARATION_OF_DUTIES', message: /regiondir approved an earlier step/ } },
  { name: 'distinct: refused for rejecting too', input: { ...base, outcome: 'reject', actor: 'regiondir', task: open(['regiondir']), distinctApprovers: true, earlierApprovers: ['regiondir'] }, expected: { ok: false, code: 'SEPARATION_OF_DUTIES', message: /earlier step/ } },
  { name: 'distinct: a delegate of an earlier approver is refused', input: { ...base, actor: 'hqvp', task: open(['regiondir']), distinctApprovers: true, earlierApprovers: ['regiondir'], delegations: [deleg('regiondir', 'hqvp')] }, expected: { ok: false, code: 'SEPARATION_OF_DUTIES', message: /regiondir approved an earlier step/ } },
  { name: 'distinct: an earlier approver acting as delegate is refused', input: { ...base, actor: 'branchmgr', task: open(['regiondir']), distinctApprovers: true, earlierApprovers: ['branchmgr'], delegations: [deleg('regiondir', 'branchmgr')] }, expected: { ok: false, code: 'SEPARATION_OF_DUTIES', message: /branchmgr approved/ } },
  { name: 'not distinct: an earlier approver may decide again', input: { ...base, actor: 'regiondir', task: open(['regiondir']), earlierApprovers: ['regiondir'] }, expected: { ok: true } },
  { name: 'distinct: someone else decides', input: { ...base, actor: 'hqvp', task: open(['regiondir', 'hqvp']), distinctApprovers: true, earlierApprovers: ['regiondir'] }, expected: { ok: true } },
];

describe('checkDecision: delegation, request changes, separation of duties', () => {
  it.each(rows)('$name', ({ input, expected }) => {
    const result = checkDecision(input);
    if (expected.ok) {
      expect(result).toEqual(expected);
    } else {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.code).toBe(expected.code);
      expect(result.message).toMatch(expected.message);
    }
  });
});
