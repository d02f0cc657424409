import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_BODY_DEPTH, PROTOTYPE_KEYS, SYSTEM_FIELDS, declaredFields, inspectBody, writableFieldProblems } from '../../engine/domain/records/mass-assignment.js';
import { csvCell, csvToData, parseCsv } from '../../engine/domain/records/csv.js';
import { fieldCatalog } from '../../engine/domain/query/fields.js';
import { DomainError } from '../../engine/domain/errors.js';

const closed = declaredFields({ type: 'object', properties: { name: { type: 'string' }, owner: { type: 'string' }, version: { type: 'string' } }, additionalProperties: false });
const open = declaredFields({ type: 'object', properties: { name: { type: 'string' } }, additionalProperties: true });
const unsaid = declaredFields({ type: 'object', properties: { name: { type: 'string' } } });

const nested = (depth: number): unknown => (depth === 0 ? 1 : { a: nested(depth - 1) });

describe('body inspection', () => {
  const table: [string, unknown, { forbidden: string[]; invalid: string[] }][] = [
    ['a plain body', { a: [1, 'x', { b: null, c: true }] }, { forbidden: [], invalid: [] }],
    ['__proto__ at the top', JSON.parse('{"__proto__": {"admin": true}}'), { forbidden: ['/__proto__'], invalid: [] }],
    ['constructor deep in an array', { a: [{ b: { constructor: { prototype: 1 } } }] }, { forbidden: ['/a/0/b/constructor', '/a/0/b/constructor/prototype'], invalid: [] }],
    ['prototype with a pointer-escaped sibling', { 'x/y': { prototype: 1 } }, { forbidden: ['/x~1y/prototype'], invalid: [] }],
    ['array elements named like prototype keys are values, not keys', ['__proto__', 'constructor'], { forbidden: [], invalid: [] }],
    ['NUL in a string', { a: 'x\u0000y' }, { forbidden: [], invalid: ['/a'] }],
    ['NUL in a key', { ['k\u0000']: 1 }, { forbidden: [], invalid: ['/k\u0000'] }],
    ['a number beyond double range', JSON.parse('{"n": 1e999, "m": [-1e999]}'), { forbidden: [], invalid: ['/m/0', '/n'] }],
    ['NUL as the whole body', '\u0000', { forbidden: [], invalid: ['/'] }],
    ['nesting at the limit', nested(MAX_BODY_DEPTH), { forbidden: [], invalid: [] }],
    ['nesting beyond the limit, reported once', nested(MAX_BODY_DEPTH + 50), { forbidden: [], invalid: ['/a'.repeat(MAX_BODY_DEPTH)] }],
  ];
  for (const [name, body, expected] of table) {
    it(name, () => {
      const problems = inspectBody(body);
      expect({ forbidden: problems.forbidden.map((d) => d.path), invalid: problems.invalid.map((d) => d.path) }).toEqual(expected);
      expect(problems.forbidden.every((d) => d.code === 'FORBIDDEN_FIELD')).toBe(true);
    });
  }

  it('walks 100,000 levels without overflowing the stack', () => {
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(inspectBody(deep).invalid).toHaveLength(1);
  });

  it('finds every prototype key fast-check hides anywhere in a JSON value', () => {
    const key = fc.oneof(fc.stringMatching(/^[a-z_]{0,10}$/), fc.constantFrom(...PROTOTYPE_KEYS));
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 1 }), fc.array(tie('value'), { maxLength: 3 }),
        fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map((entries) => Object.fromEntries(entries))),
    })).value;
    fc.assert(fc.property(json, (value) => {
      const text = JSON.stringify(value);
      const count = (text.match(/"(__proto__|constructor|prototype)":/g) ?? []).length;
      expect(inspectBody(JSON.parse(text)).forbidden).toHaveLength(count);
    }), { numRuns: 300 });
  });
});

describe('writable fields of a record write', () => {
  const table: [string, Record<string, unknown>, typeof closed, [string, string][]][] = [
    ['declared fields', { name: 'a', owner: 'sales1' }, closed, []],
    ['a system field the entity also declares as data', { version: 'v2' }, closed, []],
    ['system fields', { id: 'x', createdBy: 'mallory', review: {}, configVersion: 1 }, closed,
      [['/id', 'FORBIDDEN_FIELD'], ['/createdBy', 'FORBIDDEN_FIELD'], ['/review', 'FORBIDDEN_FIELD'], ['/configVersion', 'FORBIDDEN_FIELD']]],
    ['an unknown key of a closed entity', { colour: 'red' }, closed, [['/colour', 'UNKNOWN_FIELD']]],
    ['an unknown key when additionalProperties is left out', { colour: 'red' }, unsaid, [['/colour', 'UNKNOWN_FIELD']]],
    ['an unknown key of an open entity is data', { colour: 'red' }, open, []],
    ['system fields even on an open entity', { updatedAt: 'now', constructor: 1 }, open, [['/updatedAt', 'FORBIDDEN_FIELD'], ['/constructor', 'FORBIDDEN_FIELD']]],
  ];
  for (const [name, input, fields, expected] of table) {
    it(name, () => {
      expect(writableFieldProblems(input, fields, '').map((d) => [d.path, d.code])).toEqual(expected);
    });
  }

  it('lets a patch remove a key left over from an earlier configuration, but not set it', () => {
    const current = { name: 'a', legacy: 1, id: 'x' };
    expect(writableFieldProblems({ legacy: null, id: null }, closed, '', current)).toEqual([]);
    expect(writableFieldProblems({ legacy: 2 }, closed, '', current).map((d) => d.code)).toEqual(['UNKNOWN_FIELD']);
    expect(writableFieldProblems({ other: null }, closed, '', current).map((d) => d.code)).toEqual(['UNKNOWN_FIELD']);
    expect(writableFieldProblems({ legacy: null }, closed, '', null).map((d) => d.code)).toEqual(['UNKNOWN_FIELD']);
  });

  it('finds undeclared keys nested in objects and arrays whose schema leaves additionalProperties out', () => {
    const fields = declaredFields({
      type: 'object', additionalProperties: false,
      properties: {
        address: { type: 'object', properties: { city: { type: 'string' }, geo: { type: 'object', properties: { lat: { type: 'number' } } } } },
        lines: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } } } },
        closed: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false },
        free: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: true },
        either: { anyOf: [{ type: 'object', properties: { a: { type: 'string' } } }] },
      },
    });
    const input = {
      address: { city: 'x', zip: '1', geo: { lat: 1, lng: 2 }, gone: null }, lines: [{ sku: 'a' }, { sku: 'b', price: 1 }],
      closed: { b: 1 }, free: { b: 1 }, either: { b: 1 },
    };
    expect(writableFieldProblems(input, fields, '/data').map((d) => [d.path, d.code])).toEqual([
      ['/data/address/zip', 'UNKNOWN_FIELD'], ['/data/address/geo/lng', 'UNKNOWN_FIELD'], ['/data/lines/1/price', 'UNKNOWN_FIELD'],
    ]);
  });

  it('puts paths under the prefix', () => {
    expect(writableFieldProblems({ id: 1 }, closed, '/data')[0].path).toBe('/data/id');
  });

  it('refuses every system key and accepts every declared one, whatever else is sent', () => {
    fc.assert(fc.property(fc.subarray([...SYSTEM_FIELDS].filter((f) => f !== 'version'), { minLength: 1 }), fc.subarray(['name', 'owner']), (system, declared) => {
      const input = Object.fromEntries([...system, ...declared].map((k) => [k, 1]));
      const problems = writableFieldProblems(input, closed, '');
      expect(problems.map((d) => d.path).sort()).toEqual(system.map((k) => `/${k}`).sort());
    }));
  });
});

describe('CSV hygiene', () => {
  it('prefixes text that a spreadsheet would run as a formula', () => {
    const table: [unknown, string][] = [
      ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`], ['+1', "'+1"], ['-2+3', "'-2+3"], ['@SUM(A1)', "'@SUM(A1)"],
      ['\tcmd', "'\tcmd"], ['\rcmd', `"'\rcmd"`], ['plain', 'plain'], ['a=b', 'a=b'], [-5, '-5'], [0, '0'], [true, 'true'],
    ];
    for (const [value, cell] of table) expect(csvCell(value), String(value)).toBe(cell);
  });

  it('refuses CSV columns that name prototype keys, at their path', () => {
    const catalog = fieldCatalog({ type: 'object', properties: { name: { type: 'string' } } });
    let error: unknown;
    try {
      csvToData(parseCsv('name,__proto__.admin,a.constructor\nx,true,1\n'), catalog);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('FORBIDDEN_FIELD');
    expect((error as DomainError).details.map((d) => d.path)).toEqual(['/__proto__/admin', '/a/constructor']);
  });
});
