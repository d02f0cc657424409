import { describe, expect, it } from 'vitest';
import { resolveApprovers, type ApproverSpecInput, type Directory, type RoutingContext } from '../../engine/domain/approval/index.js';

import { thrown } from '../support/approval-fixtures.js';

/** The demo organisation plus groups. */
const demo: Directory = [
  { username: 'sales1', roles: ['sales_rep'], manager: 'branchmgr', groups: ['north'] },
  { username: 'sales2', roles: ['sales_rep'], manager: 'branchmgr', groups: ['north', 'key-accounts'] },
  { username: 'branchmgr', roles: ['branch_manager'], manager: 'regiondir', groups: ['north', 'managers'] },
  { username: 'regiondir', roles: ['regional_director'], manager: 'hqvp', groups: ['managers'] },
  { username: 'hqvp', roles: ['head_office'], manager: null, groups: ['managers'] },
  { username: 'finance', roles: ['finance'], manager: null },
  { username: 'tech1', roles: ['technician'], manager: 'dispatcher', groups: ['field'], active: false },
  { username: 'tech2', roles: ['technician'], manager: 'dispatcher', groups: ['field'] },
  { username: 'dispatcher', roles: ['dispatcher'], manager: null },
];

const ctx = (over: Partial<RoutingContext> = {}): RoutingContext => ({ directory: demo, requester: 'sales1', ...over });

describe('resolveApprovers: groups', () => {
  it('every active member except the requester, in directory order', () => {
    expect(resolveApprovers({ group: 'north' }, ctx())).toEqual({
      users: ['sales2', 'branchmgr'],
      rules: [{ rule: 'group:north', inputs: { group: 'north', requester: 'sales1', members: ['sales1', 'sales2', 'branchmgr'], inactive: [] }, result: ['sales2', 'branchmgr'] }],
    });
  });
  it('drops inactive members', () => {
    expect(resolveApprovers({ group: 'field' }, ctx()).rules[0]).toEqual({
      rule: 'group:field',
      inputs: { group: 'field', requester: 'sales1', members: ['tech1', 'tech2'], inactive: ['tech1'] },
      result: ['tech2'],
    });
  });
  it.each([
    { group: 'nobody', requester: 'sales1', message: /no user is in group nobody/ },
    { group: 'key-accounts', requester: 'sales2', message: /group key-accounts is held only by the requester sales2/ },
  ])('$group for $requester fails', ({ group, requester, message }) => {
    expect(thrown(() => resolveApprovers({ group }, ctx({ requester }))).message).toMatch(message);
  });
  it('users without groups are in none', () => {
    expect(resolveApprovers({ group: 'managers' }, ctx()).users).toEqual(['branchmgr', 'regiondir', 'hqvp']);
  });
});

describe('resolveApprovers: managerOf with levels and targets', () => {
  const rows: { name: string; spec: ApproverSpecInput; over?: Partial<RoutingContext>; users: string[]; rule: string; inputs: Record<string, unknown> }[] = [
    { name: 'levels 1 equals the default', spec: { managerOf: 'requester', levels: 1 }, users: ['branchmgr'], rule: 'managerOf:requester', inputs: { requester: 'sales1', manager: 'branchmgr' } },
    {
      name: "manager's manager",
      spec: { managerOf: 'requester', levels: 2 },
      users: ['regiondir'],
      rule: 'managerOf:requester^2',
      inputs: { requester: 'sales1', levels: 2, chain: ['sales1', 'branchmgr', 'regiondir'], manager: 'regiondir' },
    },
    {
      name: 'three levels up',
      spec: { managerOf: 'requester', levels: 3 },
      users: ['hqvp'],
      rule: 'managerOf:requester^3',
      inputs: { requester: 'sales1', levels: 3, chain: ['sales1', 'branchmgr', 'regiondir', 'hqvp'], manager: 'hqvp' },
    },
    {
      name: 'manager of the approver',
      spec: { managerOf: 'approver' },
      over: { approver: 'branchmgr' },
      users: ['regiondir'],
      rule: 'managerOf:approver',
      inputs: { requester: 'sales1', approver: 'branchmgr', manager: 'regiondir' },
    },
    {
      name: 'manager of a user in a record field',
      spec: { managerOf: { field: 'owner' } },
      over: { requester: 'finance', record: { owner: 'sales2' } },
      users: ['branchmgr'],
      rule: 'managerOf:record.owner',
      inputs: { requester: 'finance', field: 'owner', subject: 'sales2', manager: 'branchmgr' },
    },
    {
      name: 'two levels above a record field',
      spec: { managerOf: { field: 'owner' }, levels: 2 },
      over: { requester: 'finance', record: { owner: 'tech2' } },
      users: [],
      rule: '',
      inputs: {},
    },
  ];
  it.each(rows.filter((r) => r.users.length))('$name', ({ spec, over, users, rule, inputs }) => {
    const resolution = resolveApprovers(spec, ctx(over));
    expect(resolution.users).toEqual(users);
    expect(resolution.rules).toEqual([{ rule, inputs, result: users }]);
  });

  it('an inactive intermediate manager does not matter, only the result', () => {
    const directory = demo.map((u) => (u.username === 'branchmgr' ? { ...u, active: false } : u));
    expect(resolveApprovers({ managerOf: 'requester', levels: 2 }, ctx({ directory })).users).toEqual(['regiondir']);
  });

  const failures: { name: string; spec: unknown; over?: Partial<RoutingContext>; message: RegExp; path?: string }[] = [
    { name: 'above the top', spec: { managerOf: 'requester', levels: 4 }, message: /hqvp \(3 level\(s\) above requester sales1\) has no manager/ },
    { name: 'two levels above a technician', spec: { managerOf: { field: 'owner' }, levels: 2 }, over: { requester: 'finance', record: { owner: 'tech2' } }, message: /dispatcher \(1 level\(s\) above user in record.owner tech2\) has no manager/ },
    { name: 'approver missing', spec: { managerOf: 'approver' }, message: /needs an approver/ },
    { name: 'approver without a manager', spec: { managerOf: 'approver' }, over: { approver: 'finance' }, message: /approver finance has no manager/ },
    { name: 'the manager of the approver is the requester', spec: { managerOf: 'approver' }, over: { requester: 'regiondir', approver: 'branchmgr' }, message: /manager regiondir of approver branchmgr is the requester/ },
    { name: 'manager levels up is the requester', spec: { managerOf: 'requester', levels: 2 }, over: { requester: 'sales1', directory: [...demo.filter((u) => u.username !== 'branchmgr'), { username: 'branchmgr', roles: [], manager: 'sales1' }] }, message: /loops: sales1 -> branchmgr -> sales1/ },
    { name: 'record missing', spec: { managerOf: { field: 'owner' } }, message: /needs the record/ },
    { name: 'field empty', spec: { managerOf: { field: 'owner' } }, over: { record: {} }, message: /must hold a username, got undefined/ },
    { name: 'field not a string', spec: { managerOf: { field: 'owner' } }, over: { record: { owner: ['a'] } }, message: /must hold a username/ },
    { name: 'user of the field unknown', spec: { managerOf: { field: 'owner' } }, over: { record: { owner: 'ghost' } }, message: /user in record.owner ghost is not in the directory/ },
    { name: 'levels 0', spec: { managerOf: 'requester', levels: 0 }, message: /levels must be a whole number from 1 to 10/, path: '/levels' },
    { name: 'levels 11', spec: { managerOf: 'requester', levels: 11 }, message: /levels must be/, path: '/levels' },
    { name: 'levels without managerOf', spec: { role: 'finance', levels: 2 }, message: /levels only with managerOf/, path: '' },
    { name: 'managerOf field without a name', spec: { managerOf: { field: '' } }, message: /managerOf must be/, path: '/managerOf' },
  ];
  it.each(failures)('$name is VALIDATION_FAILED', ({ spec, over, message, path }) => {
    const error = thrown(() => resolveApprovers(spec as ApproverSpecInput, ctx(over)));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(message);
    if (path !== undefined) expect(error.details[0].path).toBe(path);
  });
});

describe('resolveApprovers: users named by the record', () => {
  it('a field holding one username', () => {
    expect(resolveApprovers({ field: 'owner' }, ctx({ record: { owner: 'finance' } }))).toEqual({
      users: ['finance'],
      rules: [{ rule: 'field:owner', inputs: { field: 'owner', requester: 'sales1', named: ['finance'], inactive: [] }, result: ['finance'] }],
    });
  });
  it('a field holding a list: requester and inactive users dropped, duplicates merged', () => {
    const record = { reviewers: ['hqvp', 'sales1', 'tech1', 'finance', 'hqvp'] };
    expect(resolveApprovers({ field: 'reviewers' }, ctx({ record })).rules[0]).toEqual({
      rule: 'field:reviewers',
      inputs: { field: 'reviewers', requester: 'sales1', named: ['hqvp', 'sales1', 'tech1', 'finance', 'hqvp'], inactive: ['tech1'] },
      result: ['hqvp', 'finance'],
    });
  });
  it('an expression yielding a username', () => {
    const spec = { expression: 'record.total > 100000.0 ? "hqvp" : "finance"' };
    expect(resolveApprovers(spec, ctx({ record: { total: 200000 } })).users).toEqual(['hqvp']);
    expect(resolveApprovers(spec, ctx({ record: { total: 2000 } })).users).toEqual(['finance']);
  });
  it('an expression yielding a list and reading the requester', () => {
    const spec = { expression: 'requester == "sales1" ? ["branchmgr", "finance"] : ["hqvp"]' };
    const resolution = resolveApprovers(spec, ctx({ record: {} }));
    expect(resolution.users).toEqual(['branchmgr', 'finance']);
    expect(resolution.rules[0].rule).toBe(`expression:${spec.expression}`);
    expect(resolveApprovers(spec, ctx({ requester: 'sales2' })).users).toEqual(['hqvp']);
  });
  const failures: { name: string; spec: ApproverSpecInput; record?: Record<string, unknown>; message: RegExp }[] = [
    { name: 'no record', spec: { field: 'owner' }, message: /needs the record/ },
    { name: 'missing field', spec: { field: 'owner' }, record: {}, message: /record field owner must yield a username or a list of usernames, got undefined/ },
    { name: 'a number', spec: { field: 'owner' }, record: { owner: 7 }, message: /got 7/ },
    { name: 'an empty list', spec: { field: 'owner' }, record: { owner: [] }, message: /names nobody/ },
    { name: 'an unknown user', spec: { field: 'owner' }, record: { owner: ['finance', 'ghost'] }, message: /user ghost named by record field owner is not in the directory/ },
    { name: 'only the requester', spec: { field: 'owner' }, record: { owner: 'sales1' }, message: /names only inactive users or the requester sales1/ },
    { name: 'only an inactive user', spec: { field: 'owner' }, record: { owner: ['tech1'] }, message: /names only inactive users/ },
    { name: 'an expression that fails', spec: { expression: 'record.nope' }, record: {}, message: /approver expression "record.nope" cannot be evaluated/ },
    { name: 'an expression yielding a number', spec: { expression: '1 + 1' }, record: {}, message: /must yield a username or a list of usernames, got 2/ },
  ];
  it.each(failures)('$name is VALIDATION_FAILED', ({ spec, record, message }) => {
    const error = thrown(() => resolveApprovers(spec, ctx({ record })));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(message);
  });
});

describe('resolveApprovers: exclusions (distinctApprovers)', () => {
  it('removes earlier approvers and records them', () => {
    const resolution = resolveApprovers({ group: 'managers' }, ctx({ exclude: ['branchmgr'] }));
    expect(resolution.users).toEqual(['regiondir', 'hqvp']);
    expect(resolution.rules[0].inputs.excluded).toEqual(['branchmgr']);
  });
  it('leaves rules untouched when nobody is excluded', () => {
    expect(resolveApprovers({ role: 'finance' }, ctx({ exclude: ['hqvp'] })).rules[0].inputs).not.toHaveProperty('excluded');
  });
  it('drops a spec whose only user is excluded, keeping the others', () => {
    const resolution = resolveApprovers([{ role: 'finance' }, { role: 'regional_director' }], ctx({ exclude: ['regiondir'] }));
    expect(resolution.users).toEqual(['finance']);
    expect(resolution.rules[1]).toMatchObject({ rule: 'role:regional_director', inputs: { excluded: ['regiondir'] }, result: [] });
  });

  it('fails when every approver of the step is excluded', () => {
    const error = thrown(() => resolveApprovers([{ role: 'regional_director' }], ctx({ exclude: ['regiondir'] })));
    expect(error.message).toMatch(/every approver of this step approved an earlier step/);
  });
});
