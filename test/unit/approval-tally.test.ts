import { describe, expect, it } from 'vitest';
import { DomainError } from '../../engine/domain/errors.js';
import { tally, type ApprovalMode, type Decision } from '../../engine/domain/approval/index.js';

let clock = 0;
/** A decision with a deterministic, increasing timestamp. */
function d(actor: string, outcome: 'approve' | 'reject', comment?: string): Decision {
  clock += 1;
  const at = new Date(Date.UTC(2025, 0, 1, 9, 0, clock)).toISOString();
  return comment === undefined ? { actor, outcome, at } : { actor, outcome, at, comment };
}

const headOffice = ['hqvp', 'finance'];
const branch = ['branchmgr'];
const technicians = ['tech1', 'tech2', 'dispatcher'];

type Row = { name: string; mode: ApprovalMode; approvers: string[]; decisions: Decision[]; expected: 'pending' | 'approved' | 'rejected' };

const anyRows: Row[] = [
  { name: 'no decisions', mode: 'any', approvers: branch, decisions: [], expected: 'pending' },
  { name: 'single approver approves', mode: 'any', approvers: branch, decisions: [d('branchmgr', 'approve')], expected: 'approved' },
  { name: 'single approver rejects', mode: 'any', approvers: branch, decisions: [d('branchmgr', 'reject', 'too much')], expected: 'rejected' },
  { name: 'one of two approves', mode: 'any', approvers: headOffice, decisions: [d('finance', 'approve')], expected: 'approved' },
  { name: 'one of two rejects', mode: 'any', approvers: headOffice, decisions: [d('hqvp', 'reject')], expected: 'rejected' },
  {
    name: 'first response wins: approve then reject',
    mode: 'any',
    approvers: headOffice,
    decisions: [d('hqvp', 'approve'), d('finance', 'reject')],
    expected: 'approved',
  },
  {
    name: 'first response wins: reject then approve',
    mode: 'any',
    approvers: headOffice,
    decisions: [d('finance', 'reject'), d('hqvp', 'approve')],
    expected: 'rejected',
  },
  {
    name: 'three approvers, middle one answers first',
    mode: 'any',
    approvers: technicians,
    decisions: [d('tech2', 'approve')],
    expected: 'approved',
  },
  {
    name: 'a non-approver decision is ignored (still pending)',
    mode: 'any',
    approvers: branch,
    decisions: [d('sales2', 'approve')],
    expected: 'pending',
  },
  {
    name: 'a non-approver reject does not win the race',
    mode: 'any',
    approvers: branch,
    decisions: [d('regiondir', 'reject'), d('branchmgr', 'approve')],
    expected: 'approved',
  },
  {
    name: 'the requester approving their own request is ignored',
    mode: 'any',
    approvers: branch,
    decisions: [d('sales1', 'approve')],
    expected: 'pending',
  },
  {
    name: 'an approver changing their mind: the first decision counts',
    mode: 'any',
    approvers: branch,
    decisions: [d('branchmgr', 'reject'), d('branchmgr', 'approve')],
    expected: 'rejected',
  },
];

const allRows: Row[] = [
  { name: 'no decisions', mode: 'all', approvers: headOffice, decisions: [], expected: 'pending' },
  { name: 'one of two approved', mode: 'all', approvers: headOffice, decisions: [d('hqvp', 'approve')], expected: 'pending' },
  {
    name: 'the other one of two approved',
    mode: 'all',
    approvers: headOffice,
    decisions: [d('finance', 'approve')],
    expected: 'pending',
  },
  {
    name: 'both approved',
    mode: 'all',
    approvers: headOffice,
    decisions: [d('hqvp', 'approve'), d('finance', 'approve')],
    expected: 'approved',
  },
  {
    name: 'both approved, other order',
    mode: 'all',
    approvers: headOffice,
    decisions: [d('finance', 'approve'), d('hqvp', 'approve')],
    expected: 'approved',
  },
  { name: 'first rejects', mode: 'all', approvers: headOffice, decisions: [d('hqvp', 'reject')], expected: 'rejected' },
  {
    name: 'approve then reject',
    mode: 'all',
    approvers: headOffice,
    decisions: [d('hqvp', 'approve'), d('finance', 'reject')],
    expected: 'rejected',
  },
  {
    name: 'reject then approve',
    mode: 'all',
    approvers: headOffice,
    decisions: [d('finance', 'reject'), d('hqvp', 'approve')],
    expected: 'rejected',
  },
  {
    name: 'single approver approves',
    mode: 'all',
    approvers: branch,
    decisions: [d('branchmgr', 'approve')],
    expected: 'approved',
  },
  { name: 'single approver rejects', mode: 'all', approvers: branch, decisions: [d('branchmgr', 'reject')], expected: 'rejected' },
  {
    name: 'two of three approved',
    mode: 'all',
    approvers: technicians,
    decisions: [d('tech1', 'approve'), d('dispatcher', 'approve')],
    expected: 'pending',
  },
  {
    name: 'three of three approved',
    mode: 'all',
    approvers: technicians,
    decisions: [d('tech1', 'approve'), d('dispatcher', 'approve'), d('tech2', 'approve')],
    expected: 'approved',
  },
  {
    name: 'two approved, the third rejects',
    mode: 'all',
    approvers: technicians,
    decisions: [d('tech1', 'approve'), d('dispatcher', 'approve'), d('tech2', 'reject')],
    expected: 'rejected',
  },
  {
    name: 'the same approver approving twice does not count twice',
    mode: 'all',
    approvers: headOffice,
    decisions: [d('hqvp', 'approve'), d('hqvp', 'approve')],
    expected: 'pending',
  },
  {
    name: 'an outsider cannot stand in for a missing approver',
    mode: 'all',
    approvers: headOffice,
    decisions: [d('hqvp', 'approve'), d('regiondir', 'approve')],
    expected: 'pending',
  },
  {
    name: 'an outsider reject is ignored',
    mode: 'all',
    approvers: headOffice,
    decisions: [d('sales1', 'reject'), d('hqvp', 'approve'), d('finance', 'approve')],
    expected: 'approved',
  },
  {
    name: 'an approver changing their mind: the first decision counts (approve, then reject)',
    mode: 'all',
    approvers: headOffice,
    decisions: [d('hqvp', 'approve'), d('hqvp', 'reject'), d('finance', 'approve')],
    expected: 'approved',
  },
  {
    name: 'duplicate names in the approver list need only one approval',
    mode: 'all',
    approvers: ['hqvp', 'hqvp'],
    decisions: [d('hqvp', 'approve')],
    expected: 'approved',
  },
];

describe('tally: mode any (first response wins)', () => {
  it.each(anyRows)('$name -> $expected', ({ mode, approvers, decisions, expected }) => {
    expect(tally(mode, approvers, decisions)).toBe(expected);
  });
});

describe('tally: mode all (every approver approves, one reject rejects)', () => {
  it.each(allRows)('$name -> $expected', ({ mode, approvers, decisions, expected }) => {
    expect(tally(mode, approvers, decisions)).toBe(expected);
  });
});

describe('tally: every prefix of a decision sequence', () => {
  // Exhaustive over both modes and all 3^2 combinations of (no answer | approve | reject) for two approvers, both orders.
  const answers = [undefined, 'approve', 'reject'] as const;
  const cases: { mode: ApprovalMode; first: string; a?: 'approve' | 'reject'; b?: 'approve' | 'reject'; expected: string }[] = [];
  for (const mode of ['any', 'all'] as const) {
    for (const first of ['hqvp', 'finance']) {
      for (const a of answers) {
        for (const b of answers) {
          const ordered = first === 'hqvp' ? [a, b] : [b, a];
          const given = ordered.filter((x): x is 'approve' | 'reject' => x !== undefined);
          let expected: string;
          if (mode === 'any') expected = given.length === 0 ? 'pending' : given[0] === 'approve' ? 'approved' : 'rejected';
          else expected = given.includes('reject') ? 'rejected' : given.length === 2 ? 'approved' : 'pending';
          cases.push({ mode, first, a, b, expected });
        }
      }
    }
  }
  it.each(cases)('$mode, $first first, hqvp=$a finance=$b -> $expected', ({ mode, first, a, b, expected }) => {
    const decisions: Decision[] = [];
    const push = (actor: string, outcome?: 'approve' | 'reject') => {
      if (outcome) decisions.push(d(actor, outcome));
    };
    if (first === 'hqvp') {
      push('hqvp', a);
      push('finance', b);
    } else {
      push('finance', b);
      push('hqvp', a);
    }
    expect(tally(mode, headOffice, decisions)).toBe(expected);
  });
});

describe('tally: errors and purity', () => {
  it.each(['any', 'all'] as const)('an empty approver list is VALIDATION_FAILED, never a vacuous approval (%s)', (mode) => {
    expect(() => tally(mode, [], [])).toThrow(DomainError);
    expect(() => tally(mode, [], [])).toThrow(/at least one approver/);
  });

  it('an unknown mode is VALIDATION_FAILED', () => {
    expect(() => tally('most' as ApprovalMode, branch, [])).toThrow(/unknown approval mode "most"/);
  });

  it('ignores decisions with an unknown outcome', () => {
    const odd = { actor: 'branchmgr', outcome: 'maybe', at: '2025-01-01T00:00:00.000Z' } as unknown as Decision;
    expect(tally('any', branch, [odd])).toBe('pending');
    expect(tally('all', branch, [odd, d('branchmgr', 'approve')])).toBe('approved');
  });

  it('does not mutate its inputs', () => {
    const approvers = [...headOffice];
    const decisions = [d('finance', 'approve'), d('hqvp', 'reject')];
    const before = JSON.stringify({ approvers, decisions });
    tally('all', approvers, decisions);
    tally('any', approvers, decisions);
    expect(JSON.stringify({ approvers, decisions })).toBe(before);
  });
});
