import { describe, expect, it } from 'vitest';
import { patternProblem } from '../../engine/domain/config/pattern-safety.js';
import { validateBundle } from '../../engine/domain/config/validate-bundle.js';
import { bundleWith, hostile, nestedObjects } from '../support/hostile-configs.js';

describe('hostile configuration', () => {
  // A guard against blow-ups (catastrophic backtracking, a walk that grows with the square of the input), which take
  // seconds to minutes: ten times the 100 ms target, which bench/config-hostile.ts measures against a baseline.
  it.each(hostile)('rejects %s well within a second', (_name, build, code) => {
    validateBundle(bundleWith({})); // the meta-schema is compiled once per process: not part of the bound
    const bundle = build();
    const started = performance.now();
    const { valid, errors } = validateBundle(bundle);
    const elapsed = performance.now() - started;
    expect(valid).toBe(false);
    expect(errors.map((e) => e.code)).toContain(code);
    expect(elapsed).toBeLessThan(1_000);
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
