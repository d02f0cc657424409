import { describe, expect, it } from 'vitest';
import { patternProblem } from '../../engine/domain/config/pattern-safety.js';
import { validateBundle } from '../../engine/domain/config/validate-bundle.js';

/** A valid bundle with one entity whose data schema properties are `properties`. */
function bundleWith(properties: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemaVersion: 1,
    entities: {
      quote: { label: { en: 'Quote' }, titleField: 'name', schema: { type: 'object', properties: { name: { type: 'string' }, ...properties } } },
    },
    approvalChains: {},
    processes: {},
    ...extra,
  };
}

function nestedArrays(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function nestedObjects(depth: number): Record<string, unknown> {
  let node: Record<string, unknown> = { type: 'string' };
  for (let i = 0; i < depth; i++) node = { type: 'object', properties: { n: node } };
  return node;
}

const evil = 'a'.repeat(40) + '!';

/** Hostile inputs, each with the one code it must be rejected with. */
const hostile: [string, () => unknown, string][] = [
  ['JSON nested 100 000 levels deep', () => bundleWith({ x: { type: 'array', default: nestedArrays(100_000) } }), 'SCHEMA_TOO_DEEP'],
  ['an entity schema nested 200 levels deep', () => bundleWith({ deep: nestedObjects(30) }), 'SCHEMA_TOO_DEEP'],
  ['a bundle of 3 MB', () => bundleWith({ big: { type: 'string', description: 'x'.repeat(3 * 1024 * 1024) } }), 'SCHEMA_TOO_LARGE'],
  [
    '100 000 properties',
    () => bundleWith(Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`f${i}`, { type: 'string' }]))),
    'SCHEMA_TOO_LARGE',
  ],
  [
    '100 000 $defs',
    () => bundleWith({ x: { $defs: Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`d${i}`, { type: 'string' }])) } }),
    'SCHEMA_TOO_LARGE',
  ],
  [
    '5 000 entities',
    () => ({
      ...bundleWith({}),
      entities: Object.fromEntries(
        Array.from({ length: 5000 }, (_, i) => [`e${i}`, { label: { en: 'E' }, titleField: 'n', schema: { type: 'object', properties: { n: { type: 'string' } } } }]),
      ),
    }),
    'SCHEMA_TOO_LARGE',
  ],
  ['pattern (a+)+$', () => bundleWith({ code: { type: 'string', pattern: '^(a+)+$', default: evil } }), 'UNSAFE_PATTERN'],
  ['pattern (a|a)*', () => bundleWith({ code: { type: 'string', pattern: '^(a|a)*$' } }), 'UNSAFE_PATTERN'],
  ['pattern (.*a){20}', () => bundleWith({ code: { type: 'string', pattern: '^(.*a){20}$' } }), 'UNSAFE_PATTERN'],
  ['a backreference', () => bundleWith({ code: { type: 'string', pattern: '^(a)\\1$' } }), 'UNSAFE_PATTERN'],
  ['a pattern of 100 000 characters', () => bundleWith({ code: { type: 'string', pattern: 'a'.repeat(100_000) } }), 'UNSAFE_PATTERN'],
  ['a remote $ref', () => bundleWith({ c: { $ref: 'https://example.com/evil.json' } }), 'REMOTE_REF_FORBIDDEN'],
  ['a relative $ref', () => bundleWith({ c: { $ref: 'other.json#/x' } }), 'REMOTE_REF_FORBIDDEN'],
  ['$data', () => bundleWith({ n: { type: 'number', maximum: { $data: '1/m' } } }), 'UNSUPPORTED_KEYWORD'],
  ['$dynamicRef', () => bundleWith({ n: { $dynamicRef: '#meta' } }), 'UNSUPPORTED_KEYWORD'],
  ['an unknown keyword', () => bundleWith({ n: { type: 'string', maxlength: 3 } }), 'UNSUPPORTED_KEYWORD'],
];

describe('hostile configuration', () => {
  it.each(hostile)('rejects %s in under 100 ms', (_name, build, code) => {
    validateBundle(bundleWith({})); // the meta-schema is compiled once per process: not part of the bound
    const bundle = build();
    const started = performance.now();
    const { valid, errors } = validateBundle(bundle);
    const elapsed = performance.now() - started;
    expect(valid).toBe(false);
    expect(errors.map((e) => e.code)).toContain(code);
    expect(elapsed).toBeLessThan(100);
  });

  it('reports a too-deep entity schema at the first subschema beyond level 16', () => {
    const { errors } = validateBundle(bundleWith({ deep: nestedObjects(16) }));
    expect(errors).toEqual([
      expect.objectContaining({ code: 'SCHEMA_TOO_DEEP', path: '/entities/quote/schema/properties/deep' + '/properties/n'.repeat(15) }),
    ]);
    expect(validateBundle(bundleWith({ deep: nestedObjects(14) })).errors).toEqual([]);
  });

  it('accepts exactly 500 properties and 200 entities', () => {
    const props = Object.fromEntries(Array.from({ length: 499 }, (_, i) => [`f${i}`, { type: 'string' }]));
    expect(validateBundle(bundleWith(props)).errors).toEqual([]);
    const entities = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`e${i}`, { label: { en: 'E' }, titleField: 'n', schema: { type: 'object', properties: { n: { type: 'string' } } } }]),
    );
    expect(validateBundle({ ...bundleWith({}), entities }).errors).toEqual([]);
  });

  it('reports every problem of one schema with its path, and nothing else for that entity', () => {
    const { errors } = validateBundle(
      bundleWith({
        a: { type: 'string', pattern: '(x+)*' },
        b: { $ref: 'http://x/y' },
        c: { type: 'string', minLenght: 2 },
        d: { type: 'string', format: 'no-such-format' }, // would be INVALID_ENTITY_SCHEMA, but ajv never sees an unsafe schema
      }),
    );
    expect(errors.map((e) => `${e.code} ${e.path}`).sort()).toEqual([
      'REMOTE_REF_FORBIDDEN /entities/quote/schema/properties/b/$ref',
      'UNSAFE_PATTERN /entities/quote/schema/properties/a/pattern',
      'UNSUPPORTED_KEYWORD /entities/quote/schema/properties/c/minLenght',
    ]);
  });
});

describe('patternProblem', () => {
  it.each([
    '^[A-Z]{3}$',
    '^[+]?[0-9][0-9 ()-]{2,19}$',
    '^(ab|cd)*$',
    '^(?:[a-z]+-)?[0-9]+$',
    '^(a|b)?c+$',
    '^[(]a+[)]+$',
    '^\\(a+\\)+$',
    '^(?<year>[0-9]{4})-(?<month>[0-9]{2})$',
    '^(abc){2}$',
  ])('accepts %s', (pattern) => {
    expect(patternProblem(pattern)).toBeNull();
  });

  it.each([
    ['(a+)+', 'nested'],
    ['(a*)*b', 'nested'],
    ['(a?){2,}', 'nested'],
    ['((ab)*c)+', 'nested'],
    ['(a|a)*', 'alternatives'],
    ['(a|ab)+', 'alternatives'],
    ['(\\d|x)+', 'alternatives'],
    ['(.|a){3,}', 'alternatives'],
    ['(a)\\1', 'backreference'],
    ['(?<x>a)\\k<x>', 'backreference'],
    ['a'.repeat(501), '500'],
  ])('refuses %s', (pattern, reason) => {
    expect(patternProblem(pattern)).toContain(reason);
  });
});
