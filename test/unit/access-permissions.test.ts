import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { entityGrant, hiddenByAnyRole, hiddenForReceiver, inScope, recordOwner, redactData, subtreeOf, teamOf, type Member, type Scope } from '../../engine/domain/access/permissions.js';
import type { Org } from '../../engine/domain/access/permissions.js';
import { csvOwnerWrites, ownerWrites } from '../../engine/api/policy/owner-transfer.js';
import { MIN_SECRET_LENGTH, noSecrets, redactDeep, scrubDeep, secretsOf } from '../../engine/domain/access/redaction.js';

const org: Org = {
  schemaVersion: 1,
  units: {
    group: { kind: 'group', label: { en: 'G' } },
    east: { kind: 'region', parent: 'group', label: { en: 'E' } },
    'east-1': { kind: 'branch', parent: 'east', label: { en: 'E1' } },
    'east-2': { kind: 'branch', parent: 'east', label: { en: 'E2' } },
    west: { kind: 'region', parent: 'group', label: { en: 'W' } },
  },
};

const directory: Member[] = [
  { username: 'dir', unit: 'east', manager: null },
  { username: 'mgr', unit: 'east-1', manager: 'dir' },
  { username: 'rep1', unit: 'east-1', manager: 'mgr' },
  { username: 'rep2', unit: 'east-1', manager: 'mgr' },
  { username: 'rep3', unit: 'east-2', manager: 'dir' },
  { username: 'loner', unit: null, manager: null },
];

const roles = {
  rep: { label: { en: 'Rep' }, permissions: { '*': { read: 'own' as Scope, create: 'all' as Scope }, deal: { read: 'branch' as Scope, update: 'own' as Scope, fields: { margin: 'hidden' as const, code: 'read' as const } } } },
  auditor: { label: { en: 'Auditor' }, permissions: { deal: { read: 'all' as Scope, export: 'team' as Scope, fields: { margin: 'read' as const } } } },
  legacy: { label: { en: 'Old role' } },
  transfer: { label: { en: 'Transfers' }, permissions: { '*': { read: 'team' as Scope, update: 'team' as Scope, fields: { owner: 'write' as const } } } },
};

describe('grants', () => {
  const table: [string, string[], string, Record<string, Scope | null>, Record<string, string>][] = [
    ['the entity entry replaces "*"', ['rep'], 'deal', { read: 'branch', update: 'own', create: null, delete: null }, { margin: 'hidden', code: 'read', owner: 'read' }],
    ['"*" for entities not listed', ['rep'], 'quote', { read: 'own', create: 'all', update: null }, { owner: 'read' }],
    ['roles add up: widest scope, widest field access (a field a role does not list is writable for it)', ['rep', 'auditor'], 'deal', { read: 'all', update: 'own', export: 'team' }, { margin: 'read', owner: 'read' }],
    ['reassigning (writing owner) needs "owner": "write" in the role', ['transfer'], 'deal', { read: 'team', update: 'team', delete: null }, {}],
    ['a role without permissions is unrestricted', ['legacy'], 'deal', { read: 'all', delete: 'all', import: 'all' }, {}],
    ['admin is unrestricted', ['admin', 'rep'], 'deal', { read: 'all', delete: 'all' }, {}],
    ['an undefined role grants nothing', ['ghost'], 'deal', { read: null, create: null }, {}],
    ['no entry for the entity and no "*": nothing', ['auditor'], 'quote', { read: null, export: null }, { owner: 'read' }],
  ];
  it.each(table)('%s', (_name, userRoles, entity, actions, fields) => {
    const grant = entityGrant(roles, userRoles, entity);
    for (const [action, scope] of Object.entries(actions)) expect(grant.actions[action as keyof typeof grant.actions]).toBe(scope);
    expect(grant.fields).toEqual(fields);
  });
});

describe('the org tree', () => {
  it.each([
    ['group', ['group', 'east', 'west', 'east-1', 'east-2']],
    ['east', ['east', 'east-1', 'east-2']],
    ['east-1', ['east-1']],
    ['nowhere', ['nowhere']],
  ] as const)('the subtree of %s', (unit, expected) => {
    expect(subtreeOf(org, unit).sort()).toEqual([...expected].sort());
  });

  it.each([
    ['rep1', ['rep1', 'rep2', 'mgr']],
    ['mgr', ['mgr', 'rep1', 'rep2']],
    ['dir', ['dir', 'mgr', 'rep1', 'rep2', 'rep3']],
    ['loner', ['loner']],
  ] as const)('the team of %s', (user, expected) => {
    expect(teamOf(directory, user)).toEqual([...expected].sort());
  });
});

describe('scopes', () => {
  const reachOf = (user: string) => ({ username: user, team: teamOf(directory, user), units: subtreeOf(org, directory.find((m) => m.username === user)?.unit ?? null) });
  const unitOf = (user: string) => directory.find((m) => m.username === user)?.unit ?? null;
  const table: [Scope | null, string, string, boolean][] = [
    ['own', 'rep1', 'rep1', true], ['own', 'rep1', 'rep2', false],
    ['team', 'rep1', 'rep2', true], ['team', 'rep1', 'rep3', false], ['team', 'dir', 'rep1', true],
    ['branch', 'mgr', 'rep2', true], ['branch', 'mgr', 'rep3', false], ['branch', 'dir', 'rep3', true], ['branch', 'loner', 'rep1', false],
    ['branch', 'loner', 'loner', true], ['all', 'loner', 'rep3', true], [null, 'dir', 'dir', false],
  ];
  it.each(table)('%s: %s reaches a record of %s: %s', (scope, user, owner, expected) => {
    expect(inScope(scope, owner, reachOf(user), unitOf(owner))).toBe(expected);
  });

  it('owns a record by its owner field, else by its creator', () => {
    expect(recordOwner({ owner: 'rep2' }, 'rep1')).toBe('rep2');
    expect(recordOwner({ owner: '' }, 'rep1')).toBe('rep1');
    expect(recordOwner({ owner: 7 }, 'rep1')).toBe('rep1');
    expect(recordOwner({}, 'rep1')).toBe('rep1');
  });
});

describe('redaction', () => {
  it('never returns a hidden field and keeps every other one (property)', () => {
    fc.assert(fc.property(
      fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue()),
      fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 })),
      (data, hidden) => {
        const redacted = redactData(data, hidden);
        for (const field of hidden) expect(Object.hasOwn(redacted, field)).toBe(false);
        for (const field of Object.keys(data).filter((f) => !hidden.includes(f))) expect(redacted[field]).toEqual(data[field]);
        expect(Object.keys(data).length - Object.keys(redacted).length).toBe(hidden.filter((f) => Object.hasOwn(data, f)).length);
      },
    ), { numRuns: 500 });
  });
});

describe('hidden by any role (what a webhook receiver never gets)', () => {
  it.each([
    ['deal', ['margin']],
    ['quote', []],
  ] as const)('%s', (entity, expected) => {
    expect(hiddenByAnyRole(roles, entity)).toEqual(expected);
  });

  it('ignores admin and roles without permissions', () => {
    expect(hiddenByAnyRole({ admin: { label: {}, permissions: { '*': { fields: { x: 'hidden' } } } }, legacy: { label: {} } }, 'deal')).toEqual([]);
    expect(hiddenByAnyRole(undefined, 'deal')).toEqual([]);
  });
});

describe('hidden for a webhook subscription (asRole)', () => {
  const withQuotes = { ...roles, quoter: { label: { en: 'Quotes' }, permissions: { quote: { read: 'all' as Scope, fields: { discount: 'hidden' as const } } } } };
  it.each([
    ['no role: every field some role hides', null, 'deal', ['margin']],
    ['a role that may read the field gets it', 'auditor', 'deal', []],
    ['a role that hides the field does not', 'rep', 'deal', ['margin']],
    ['only what that role hides, not what others hide', 'rep', 'quote', []],
    ['admin gets everything', 'admin', 'deal', []],
    ['a role without permissions gets everything', 'legacy', 'deal', []],
    ['a role no longer configured: the strictest rule', 'ghost', 'deal', ['margin']],
    ['a role that may not read the entity: the strictest rule', 'auditor', 'quote', ['discount']],
    ['a prototype key is no role', 'constructor', 'deal', ['margin']],
  ] as const)('%s', (_name, asRole, entity, expected) => {
    expect(hiddenForReceiver(withQuotes, asRole, entity)).toEqual(expected);
  });
});

describe('redaction of free-form payloads', () => {
  const secrets = secretsOf(['margin'], [{ margin: 'forty percent', name: 'Deal' }, { margin: { note: 'was thirty' } }, { margin: 'x' }]);

  it('collects the hidden values of every snapshot, longest first, leaving out short ones', () => {
    expect(secrets).toEqual({ fields: ['margin'], values: ['forty percent', 'was thirty'] });
    expect(secretsOf([], [{ margin: 'forty percent' }])).toBe(noSecrets);
  });

  it.each([
    ['a key named like the field, at any depth', { vars: { a: { margin: 12 } } }, { vars: { a: {} } }],
    ['a copied value under another name', { copy: 'forty percent' }, { copy: '' }],
    ['a value inside a text', ['Margin: forty percent, was thirty!'], ['Margin: , !']],
    ['numbers and booleans elsewhere stay', { n: 12, ok: true, none: null }, { n: 12, ok: true, none: null }],
  ])('drops %s', (_name, input, expected) => {
    expect(redactDeep(input, secrets)).toEqual(expected);
  });

  it('scrubDeep keeps every key', () => {
    expect(scrubDeep({ margin: 'forty percent', title: 'forty percent deal' }, secrets)).toEqual({ margin: '', title: ' deal' });
  });

  it('leaves no hidden value in the JSON of any generated payload (property)', () => {
    const secret = fc.string({ minLength: MIN_SECRET_LENGTH, maxLength: 12 });
    fc.assert(fc.property(secret, fc.jsonValue(), fc.array(fc.string({ maxLength: 4 })), (value, payload, words) => {
      const found = secretsOf(['hidden'], [{ hidden: value }]);
      const mixed = { payload, text: words.join(value), nested: [{ hidden: value, other: `${value}${value}` }] };
      const redacted = redactDeep(mixed, found);
      expect(JSON.stringify(redacted)).not.toContain(JSON.stringify(value).slice(1, -1));
      expect(JSON.stringify(redacted)).not.toContain('"hidden"');
    }), { numRuns: 500 });
  });
});

describe('owners a write names', () => {
  it.each([
    ['a record body', ownerWrites('data', { name: 'x', owner: 'sales2' }), [{ value: 'sales2', path: '/owner' }]],
    ['a wrapped body', ownerWrites('data', { owner: null }, '/data'), [{ value: null, path: '/data/owner' }]],
    ['a body without owner', ownerWrites('data', { name: 'x' }), []],
    ['JSON import rows', ownerWrites('import', [{ name: 'a' }, { owner: 'sales3' }, 'junk']), [{ value: 'sales3', path: '/1/owner' }]],
    ['a CSV owner column', csvOwnerWrites([['name', ' owner'], ['a', 'sales1'], ['b']]), [{ value: 'sales1', path: '/0/owner' }, { value: '', path: '/1/owner' }]],
    ['a CSV without one', csvOwnerWrites([['name'], ['a']]), []],
  ])('%s', (_name, writes, expected) => {
    expect(writes).toEqual(expected);
  });
});
