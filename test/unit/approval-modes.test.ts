import { describe, expect, it } from 'vitest';
import { DomainError } from '../../engine/domain/errors.js';
import { requiredApprovals, tally, type ApprovalMode, type Decision, type DecisionOutcome } from '../../engine/domain/approval/index.js';

const at = (i: number) => `2026-03-02T09:00:${String(i).padStart(2, '0')}.000Z`;
const d = (actor: string, outcome: DecisionOutcome, i = 0, onBehalfOf?: string): Decision =>
  onBehalfOf ? { actor, outcome, at: at(i), onBehalfOf } : { actor, outcome, at: at(i) };

const five = ['a', 'b', 'c', 'd', 'e'];
const three = ['a', 'b', 'c'];

describe('requiredApprovals', () => {
  const rows: { mode: ApprovalMode; n: number; required: number }[] = [
    { mode: 'any', n: 1, required: 1 },
    { mode: 'any', n: 5, required: 1 },
    { mode: 'all', n: 1, required: 1 },
    { mode: 'all', n: 5, required: 5 },
    { mode: { kOfN: 1 }, n: 3, required: 1 },
    { mode: { kOfN: 2 }, n: 3, required: 2 },
    { mode: { kOfN: 3 }, n: 3, required: 3 },
    { mode: { percent: 50 }, n: 2, required: 1 },
    { mode: { percent: 50 }, n: 3, required: 2 },
    { mode: { percent: 50 }, n: 4, required: 2 },
    { mode: { percent: 51 }, n: 4, required: 3 },
    { mode: { percent: 66 }, n: 3, required: 2 },
    { mode: { percent: 66.66 }, n: 3, required: 2 },
    { mode: { percent: 66.67 }, n: 3, required: 3 },
    { mode: { percent: 67 }, n: 3, required: 3 },
    { mode: { percent: 100 }, n: 3, required: 3 },
    { mode: { percent: 1 }, n: 3, required: 1 },
    { mode: { percent: 0.01 }, n: 5, required: 1 },
    { mode: { percent: 20 }, n: 5, required: 1 },
    { mode: { percent: 20.01 }, n: 5, required: 2 },
    { mode: { percent: 40 }, n: 5, required: 2 },
    { mode: { percent: 60 }, n: 5, required: 3 },
    { mode: { percent: 80 }, n: 5, required: 4 },
    { mode: { percent: 99.99 }, n: 5, required: 5 },
    { mode: { percent: 33.33 }, n: 3, required: 1 },
    { mode: { percent: 33.34 }, n: 3, required: 2 },
    { mode: { percent: 10 }, n: 10, required: 1 },
    { mode: { percent: 75 }, n: 7, required: 6 },
  ];
  it.each(rows)('$mode of $n -> $required', ({ mode, n, required }) => {
    expect(requiredApprovals(mode, n)).toBe(required);
  });

  it.each([{ kOfN: 4 }, { kOfN: 9 }])('kOfN above the number of approvers is VALIDATION_FAILED (%o)', (mode) => {
    expect(() => requiredApprovals(mode, 3)).toThrow(/needs at least \d approvers, but the step has 3/);
    expect(() => tally(mode, three, [])).toThrow(DomainError);
  });

  it.each([{ kOfN: 0 }, { kOfN: 1.5 }, { percent: 0 }, { percent: 101 }, { percent: -5 }, { kOfN: 1, percent: 50 }, 'most', null, {}])(
    'rejects the malformed mode %o',
    (mode) => {
      expect(() => tally(mode as ApprovalMode, three, [])).toThrow(/unknown approval mode/);
    },
  );
});

type Row = { name: string; mode: ApprovalMode; approvers: string[]; decisions: Decision[]; expected: string };

const tableRows: Row[] = [
  // kOfN
  { name: '2 of 3: one approval', mode: { kOfN: 2 }, approvers: three, decisions: [d('a', 'approve')], expected: 'pending' },
  { name: '2 of 3: two approvals', mode: { kOfN: 2 }, approvers: three, decisions: [d('a', 'approve'), d('c', 'approve')], expected: 'approved' },
  { name: '2 of 3: one rejection is survivable', mode: { kOfN: 2 }, approvers: three, decisions: [d('a', 'reject')], expected: 'pending' },
  { name: '2 of 3: reject, approve, approve', mode: { kOfN: 2 }, approvers: three, decisions: [d('a', 'reject'), d('b', 'approve'), d('c', 'approve')], expected: 'approved' },
  { name: '2 of 3: two rejections make 2 unreachable', mode: { kOfN: 2 }, approvers: three, decisions: [d('a', 'reject'), d('b', 'reject')], expected: 'rejected' },
  { name: '2 of 3: approve then two rejections', mode: { kOfN: 2 }, approvers: three, decisions: [d('a', 'approve'), d('b', 'reject'), d('c', 'reject')], expected: 'rejected' },
  { name: '2 of 3: the third answer after approval is ignored', mode: { kOfN: 2 }, approvers: three, decisions: [d('a', 'approve'), d('b', 'approve'), d('c', 'request_changes')], expected: 'approved' },
  { name: '1 of 3 is not "any": a rejection leaves it open', mode: { kOfN: 1 }, approvers: three, decisions: [d('a', 'reject')], expected: 'pending' },
  { name: '1 of 3: all reject', mode: { kOfN: 1 }, approvers: three, decisions: [d('a', 'reject'), d('b', 'reject'), d('c', 'reject')], expected: 'rejected' },
  { name: '3 of 5: 2 rejections still reachable', mode: { kOfN: 3 }, approvers: five, decisions: [d('a', 'reject'), d('b', 'reject')], expected: 'pending' },
  { name: '3 of 5: 3 rejections unreachable', mode: { kOfN: 3 }, approvers: five, decisions: [d('a', 'reject'), d('b', 'reject'), d('c', 'reject')], expected: 'rejected' },
  { name: '3 of 3 behaves like all', mode: { kOfN: 3 }, approvers: three, decisions: [d('a', 'approve'), d('b', 'reject')], expected: 'rejected' },
  // percent
  { name: '50% of 4: two approvals', mode: { percent: 50 }, approvers: ['a', 'b', 'c', 'd'], decisions: [d('a', 'approve'), d('b', 'approve')], expected: 'approved' },
  { name: '50% of 4: three rejections', mode: { percent: 50 }, approvers: ['a', 'b', 'c', 'd'], decisions: [d('a', 'reject'), d('b', 'reject'), d('c', 'reject')], expected: 'rejected' },
  { name: '50% of 4: two rejections leave two', mode: { percent: 50 }, approvers: ['a', 'b', 'c', 'd'], decisions: [d('a', 'reject'), d('b', 'reject')], expected: 'pending' },
  { name: '60% of 5: 3 approvals', mode: { percent: 60 }, approvers: five, decisions: [d('a', 'approve'), d('b', 'approve'), d('e', 'approve')], expected: 'approved' },
  { name: '60% of 5: 2 approvals pending', mode: { percent: 60 }, approvers: five, decisions: [d('a', 'approve'), d('b', 'approve'), d('c', 'reject')], expected: 'pending' },
  { name: '60% of 5: 3 rejections', mode: { percent: 60 }, approvers: five, decisions: [d('a', 'reject'), d('b', 'reject'), d('c', 'reject')], expected: 'rejected' },
  { name: '100% is unanimity', mode: { percent: 100 }, approvers: three, decisions: [d('a', 'approve'), d('b', 'reject')], expected: 'rejected' },
  // request_changes
  { name: 'any: request_changes first', mode: 'any', approvers: three, decisions: [d('b', 'request_changes'), d('a', 'approve')], expected: 'changes_requested' },
  { name: 'any: approve wins before request_changes', mode: 'any', approvers: three, decisions: [d('a', 'approve'), d('b', 'request_changes')], expected: 'approved' },
  { name: 'all: request_changes after one approval', mode: 'all', approvers: three, decisions: [d('a', 'approve'), d('b', 'request_changes')], expected: 'changes_requested' },
  { name: 'all: reject before request_changes', mode: 'all', approvers: three, decisions: [d('a', 'reject'), d('b', 'request_changes')], expected: 'rejected' },
  { name: 'kOfN: request_changes while pending', mode: { kOfN: 2 }, approvers: three, decisions: [d('a', 'approve'), d('c', 'request_changes')], expected: 'changes_requested' },
  { name: 'a non-approver cannot request changes', mode: 'all', approvers: three, decisions: [d('z', 'request_changes')], expected: 'pending' },
  // delegation
  { name: 'a delegate decision counts for the approver', mode: 'all', approvers: ['a', 'b'], decisions: [d('x', 'approve', 0, 'a'), d('b', 'approve')], expected: 'approved' },
  { name: 'the approver and their delegate count once', mode: { kOfN: 2 }, approvers: three, decisions: [d('x', 'approve', 0, 'a'), d('a', 'approve')], expected: 'pending' },
  { name: 'a delegate of a non-approver is ignored', mode: 'any', approvers: three, decisions: [d('x', 'approve', 0, 'z')], expected: 'pending' },
  { name: 'duplicate approvers count once in n', mode: { percent: 50 }, approvers: ['a', 'a', 'b'], decisions: [d('a', 'approve')], expected: 'approved' },
];

describe('tally: table', () => {
  it.each(tableRows)('$name -> $expected', ({ mode, approvers, decisions, expected }) => {
    expect(tally(mode, approvers, decisions)).toBe(expected);
  });
});

/** An independent model: the static state of each prefix; the first terminal prefix decides. */
function model(mode: ApprovalMode, n: number, outcomes: DecisionOutcome[]): string {
  let required = n;
  if (mode === 'any') required = 1;
  else if (typeof mode === 'object' && 'kOfN' in mode) required = mode.kOfN;
  else if (typeof mode === 'object' && 'percent' in mode) {
    for (let a = 1; a <= n; a++) if (a * 100 >= mode.percent * n) { required = a; break; }
  }
  for (let len = 1; len <= outcomes.length; len++) {
    const prefix = outcomes.slice(0, len);
    if (mode === 'any') return prefix[0] === 'approve' ? 'approved' : prefix[0] === 'reject' ? 'rejected' : 'changes_requested';
    if (prefix.includes('request_changes')) return 'changes_requested';
    const approvals = prefix.filter((o) => o === 'approve').length;
    const rejections = prefix.filter((o) => o === 'reject').length;
    if (approvals >= required) return 'approved';
    if (n - rejections < required) return 'rejected';
  }
  return 'pending';
}

describe('tally: exhaustive over every answer sequence of up to four approvers', () => {
  const outcomes: DecisionOutcome[] = ['approve', 'reject', 'request_changes'];
  const modesFor = (n: number): ApprovalMode[] => [
    'any',
    'all',
    ...Array.from({ length: n }, (_, i) => ({ kOfN: i + 1 })),
    ...[25, 33.33, 50, 66.67, 75, 100].map((percent) => ({ percent })),
  ];
  for (let n = 1; n <= 4; n++) {
    const people = ['p1', 'p2', 'p3', 'p4'].slice(0, n);
    const cases: { mode: ApprovalMode; seq: DecisionOutcome[] }[] = [];
    // Every sequence of 0..n answers (in approver order p1, p2, ...).
    const grow = (seq: DecisionOutcome[]) => {
      for (const mode of modesFor(n)) cases.push({ mode, seq });
      if (seq.length < n) for (const o of outcomes) grow([...seq, o]);
    };
    grow([]);
    it(`n=${n}: ${cases.length} cases agree with the model`, () => {
      for (const { mode, seq } of cases) {
        const decisions = seq.map((o, i) => d(people[i], o, i));
        expect(tally(mode, people, decisions), `${JSON.stringify(mode)} ${seq.join(',')}`).toBe(model(mode, n, seq));
        // Answers in reverse approver order give the same result: only the order of answers matters, not of names.
        const reversed = seq.map((o, i) => d(people[n - 1 - i], o, i));
        expect(tally(mode, people, reversed)).toBe(model(mode, n, seq));
      }
    });
  }
});
