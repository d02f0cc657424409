import { describe, expect, it } from 'vitest';
import {
  resolveApprovers,
  type ApproverSpecInput,
  type Directory,
  type RoutingRule,
} from '../../engine/domain/approval/index.js';
import { demo, thrown } from '../support/approval-fixtures.js';

/** The demo organisation with some users switched off. */
function withInactive(...names: string[]): Directory {
  return demo.map((u) => (names.includes(u.username) ? { ...u, active: false } : u));
}

describe('resolveApprovers: one spec', () => {
  const rows: { name: string; spec: ApproverSpecInput; requester: string; users: string[]; rule: RoutingRule }[] = [
    {
      name: 'managerOf requester (sales1)',
      spec: { managerOf: 'requester' },
      requester: 'sales1',
      users: ['branchmgr'],
      rule: { rule: 'managerOf:requester', inputs: { requester: 'sales1', manager: 'branchmgr' }, result: ['branchmgr'] },
    },
    {
      name: 'managerOf requester (sales2)',
      spec: { managerOf: 'requester' },
      requester: 'sales2',
      users: ['branchmgr'],
      rule: { rule: 'managerOf:requester', inputs: { requester: 'sales2', manager: 'branchmgr' }, result: ['branchmgr'] },
    },
    {
      name: 'managerOf requester (branchmgr)',
      spec: { managerOf: 'requester' },
      requester: 'branchmgr',
      users: ['regiondir'],
      rule: { rule: 'managerOf:requester', inputs: { requester: 'branchmgr', manager: 'regiondir' }, result: ['regiondir'] },
    },
    {
      name: 'managerOf requester (regiondir)',
      spec: { managerOf: 'requester' },
      requester: 'regiondir',
      users: ['hqvp'],
      rule: { rule: 'managerOf:requester', inputs: { requester: 'regiondir', manager: 'hqvp' }, result: ['hqvp'] },
    },
    {
      name: 'managerOf requester (tech1)',
      spec: { managerOf: 'requester' },
      requester: 'tech1',
      users: ['dispatcher'],
      rule: { rule: 'managerOf:requester', inputs: { requester: 'tech1', manager: 'dispatcher' }, result: ['dispatcher'] },
    },
    {
      name: 'role with one holder',
      spec: { role: 'regional_director' },
      requester: 'sales1',
      users: ['regiondir'],
      rule: {
        rule: 'role:regional_director',
        inputs: { role: 'regional_director', requester: 'sales1', holders: ['regiondir'], inactive: [] },
        result: ['regiondir'],
      },
    },
    {
      name: 'role with two holders, directory order',
      spec: { role: 'technician' },
      requester: 'service1',
      users: ['tech1', 'tech2'],
      rule: {
        rule: 'role:technician',
        inputs: { role: 'technician', requester: 'service1', holders: ['tech1', 'tech2'], inactive: [] },
        result: ['tech1', 'tech2'],
      },
    },
    {
      name: 'role held by the requester and someone else: requester excluded',
      spec: { role: 'sales_rep' },
      requester: 'sales1',
      users: ['sales2'],
      rule: {
        rule: 'role:sales_rep',
        inputs: { role: 'sales_rep', requester: 'sales1', holders: ['sales1', 'sales2'], inactive: [] },
        result: ['sales2'],
      },
    },
    {
      name: 'role held by the requester and someone else (other requester)',
      spec: { role: 'technician' },
      requester: 'tech2',
      users: ['tech1'],
      rule: {
        rule: 'role:technician',
        inputs: { role: 'technician', requester: 'tech2', holders: ['tech1', 'tech2'], inactive: [] },
        result: ['tech1'],
      },
    },
    {
      name: 'named user',
      spec: { user: 'finance' },
      requester: 'sales1',
      users: ['finance'],
      rule: { rule: 'user:finance', inputs: { user: 'finance', requester: 'sales1' }, result: ['finance'] },
    },
    {
      name: 'a one-element list behaves like the spec',
      spec: [{ user: 'hqvp' }],
      requester: 'sales1',
      users: ['hqvp'],
      rule: { rule: 'user:hqvp', inputs: { user: 'hqvp', requester: 'sales1' }, result: ['hqvp'] },
    },
  ];

  it.each(rows)('$name', ({ spec, requester, users, rule }) => {
    const resolution = resolveApprovers(spec, { directory: demo, requester });
    expect(resolution).toEqual({ users, rules: [rule] });
    expect(resolution.users).not.toContain(requester);
  });
});

describe('resolveApprovers: lists, order and deduplication', () => {
  const rows: { name: string; spec: ApproverSpecInput; requester: string; users: string[]; rules: string[] }[] = [
    {
      name: 'head office: head_office then finance',
      spec: [{ role: 'head_office' }, { role: 'finance' }],
      requester: 'sales1',
      users: ['hqvp', 'finance'],
      rules: ['role:head_office', 'role:finance'],
    },
    {
      name: 'spec order wins over directory order',
      spec: [{ role: 'finance' }, { role: 'head_office' }],
      requester: 'sales1',
      users: ['finance', 'hqvp'],
      rules: ['role:finance', 'role:head_office'],
    },
    {
      name: 'same user twice through user and role',
      spec: [{ user: 'hqvp' }, { role: 'head_office' }],
      requester: 'sales1',
      users: ['hqvp'],
      rules: ['user:hqvp', 'role:head_office'],
    },
    {
      name: 'same user through managerOf and user',
      spec: [{ managerOf: 'requester' }, { user: 'branchmgr' }, { role: 'finance' }],
      requester: 'sales2',
      users: ['branchmgr', 'finance'],
      rules: ['managerOf:requester', 'user:branchmgr', 'role:finance'],
    },
    {
      name: 'same spec twice',
      spec: [{ role: 'technician' }, { role: 'technician' }],
      requester: 'dispatcher',
      users: ['tech1', 'tech2'],
      rules: ['role:technician', 'role:technician'],
    },
    {
      name: 'three kinds at once',
      spec: [{ managerOf: 'requester' }, { role: 'regional_director' }, { user: 'finance' }],
      requester: 'sales1',
      users: ['branchmgr', 'regiondir', 'finance'],
      rules: ['managerOf:requester', 'role:regional_director', 'user:finance'],
    },
  ];

  it.each(rows)('$name', ({ spec, requester, users, rules }) => {
    const resolution = resolveApprovers(spec, { directory: demo, requester });
    expect(resolution.users).toEqual(users);
    expect(resolution.rules.map((r) => r.rule)).toEqual(rules);
  });

  it('keeps each rule result undeduplicated across rules, the users list deduplicated', () => {
    const resolution = resolveApprovers([{ user: 'hqvp' }, { role: 'head_office' }], { directory: demo, requester: 'sales1' });
    expect(resolution.rules.map((r) => r.result)).toEqual([['hqvp'], ['hqvp']]);
  });

  it('does not mutate the spec or the directory', () => {
    const spec = [{ role: 'head_office' }, { role: 'finance' }];
    const directory = structuredClone(demo);
    const before = JSON.stringify({ spec, directory });
    resolveApprovers(spec, { directory, requester: 'sales1' });
    expect(JSON.stringify({ spec, directory })).toBe(before);
  });

  it('is deterministic', () => {
    const spec: ApproverSpecInput = [{ managerOf: 'requester' }, { role: 'technician' }];
    const a = resolveApprovers(spec, { directory: demo, requester: 'service1' });
    const b = resolveApprovers(spec, { directory: demo, requester: 'service1' });
    expect(a).toEqual(b);
  });
});

describe('resolveApprovers: inactive users are dropped', () => {
  it('drops an inactive role holder and records it in the rule inputs', () => {
    const resolution = resolveApprovers({ role: 'technician' }, { directory: withInactive('tech1'), requester: 'service1' });
    expect(resolution).toEqual({
      users: ['tech2'],
      rules: [
        {
          rule: 'role:technician',
          inputs: { role: 'technician', requester: 'service1', holders: ['tech1', 'tech2'], inactive: ['tech1'] },
          result: ['tech2'],
        },
      ],
    });
  });

  it('treats active: true like an unset flag', () => {
    const directory = demo.map((u) => ({ ...u, active: true }));
    expect(resolveApprovers({ role: 'technician' }, { directory, requester: 'service1' }).users).toEqual(['tech1', 'tech2']);
  });

  it('drops an inactive user of one spec while another spec still yields someone', () => {
    const directory = withInactive('tech2');
    const resolution = resolveApprovers([{ role: 'technician' }, { user: 'dispatcher' }], { directory, requester: 'service1' });
    expect(resolution.users).toEqual(['tech1', 'dispatcher']);
  });
});

describe('resolveApprovers: a spec resolving to nobody is VALIDATION_FAILED', () => {
  const rows: { name: string; spec: unknown; requester: string; directory?: Directory; message: RegExp; path: string }[] = [
    { name: 'unknown role', spec: { role: 'pope' }, requester: 'sales1', message: /no user holds role pope/, path: '' },
    {
      name: 'every holder inactive',
      spec: { role: 'regional_director' },
      requester: 'sales1',
      directory: withInactive('regiondir'),
      message: /no active user holds role regional_director/,
      path: '',
    },
    {
      name: 'every holder inactive (two holders)',
      spec: { role: 'technician' },
      requester: 'service1',
      directory: withInactive('tech1', 'tech2'),
      message: /no active user holds role technician/,
      path: '',
    },
    {
      name: 'role held only by the requester',
      spec: { role: 'regional_director' },
      requester: 'regiondir',
      message: /role regional_director is held only by the requester regiondir/,
      path: '',
    },
    {
      name: 'role held by the requester and an inactive user',
      spec: { role: 'technician' },
      requester: 'tech1',
      directory: withInactive('tech2'),
      message: /held only by the requester tech1/,
      path: '',
    },
    { name: 'unknown user', spec: { user: 'ghost' }, requester: 'sales1', message: /user ghost is not in the directory/, path: '' },
    {
      name: 'inactive user',
      spec: { user: 'finance' },
      requester: 'sales1',
      directory: withInactive('finance'),
      message: /user finance is inactive/,
      path: '',
    },
    { name: 'user is the requester', spec: { user: 'sales1' }, requester: 'sales1', message: /is the requester/, path: '' },
    {
      name: 'requester not in the directory',
      spec: { managerOf: 'requester' },
      requester: 'stranger',
      message: /requester stranger is not in the directory/,
      path: '',
    },
    { name: 'requester without a manager (admin)', spec: { managerOf: 'requester' }, requester: 'admin', message: /admin has no manager/, path: '' },
    { name: 'requester without a manager (hqvp)', spec: { managerOf: 'requester' }, requester: 'hqvp', message: /hqvp has no manager/, path: '' },
    {
      name: 'manager inactive',
      spec: { managerOf: 'requester' },
      requester: 'sales1',
      directory: withInactive('branchmgr'),
      message: /manager branchmgr of requester sales1 is inactive/,
      path: '',
    },
    {
      name: 'manager not in the directory',
      spec: { managerOf: 'requester' },
      requester: 'sales1',
      directory: demo.filter((u) => u.username !== 'branchmgr'),
      message: /manager branchmgr of requester sales1 is not in the directory/,
      path: '',
    },
    {
      name: 'requester is their own manager',
      spec: { managerOf: 'requester' },
      requester: 'loop',
      directory: [...demo, { username: 'loop', roles: [], manager: 'loop' }],
      message: /loop is their own manager/,
      path: '',
    },
    {
      name: 'one spec of a list resolves to nobody (mode all must not lose an approver)',
      spec: [{ role: 'head_office' }, { role: 'finance' }],
      requester: 'sales1',
      directory: withInactive('finance'),
      message: /no active user holds role finance/,
      path: '/1',
    },
    {
      name: 'requester holds one role of a list',
      spec: [{ role: 'head_office' }, { role: 'finance' }],
      requester: 'finance',
      message: /role finance is held only by the requester finance/,
      path: '/1',
    },
    { name: 'empty list', spec: [], requester: 'sales1', message: /at least one approver spec/, path: '' },
    { name: 'empty object', spec: {}, requester: 'sales1', message: /exactly one of user, role, group, managerOf, field, expression/, path: '' },
    { name: 'two keys', spec: { user: 'finance', role: 'finance' }, requester: 'sales1', message: /exactly one of/, path: '' },
    { name: 'empty user', spec: { user: '' }, requester: 'sales1', message: /"user" must be a non-empty string/, path: '/user' },
    { name: 'non-string role', spec: { role: 7 }, requester: 'sales1', message: /"role" must be a non-empty string/, path: '/role' },
    {
      name: 'managerOf approver without an approver in the context',
      spec: { managerOf: 'approver' },
      requester: 'sales1',
      message: /managerOf "approver" needs an approver/,
      path: '',
    },
    {
      name: 'managerOf an unknown target',
      spec: { managerOf: 'boss' },
      requester: 'sales1',
      message: /managerOf must be "requester", "approver" or \{"field": name\}/,
      path: '/managerOf',
    },
    { name: 'unknown kind', spec: { team: 'sales' }, requester: 'sales1', message: /unknown approver spec "team"/, path: '' },
    { name: 'null', spec: null, requester: 'sales1', message: /must be an object/, path: '' },
    { name: 'a bare string', spec: 'finance', requester: 'sales1', message: /must be an object/, path: '' },
    { name: 'a bad element of a list', spec: [{ role: 'finance' }, 'x'], requester: 'sales1', message: /must be an object/, path: '/1' },
  ];

  it.each(rows)('$name', ({ spec, requester, directory, message, path }) => {
    const error = thrown(() => resolveApprovers(spec as ApproverSpecInput, { directory: directory ?? demo, requester }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(message);
    expect(error.details).toEqual([{ path, message: error.message }]);
  });
});
