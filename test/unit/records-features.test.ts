import { describe, expect, it } from 'vitest';
import { applyComputed, checkPicklists, entityFeatures, formatNumber, numberParts, numberingScope } from '../../engine/domain/records/features.js';
import { applyReview, unreviewed } from '../../engine/domain/records/review.js';
import { csvLine, csvToData, parseCsv } from '../../engine/domain/records/csv.js';
import { fieldCatalog } from '../../engine/domain/query/fields.js';
import { DomainError } from '../../engine/domain/errors.js';

const bundle = { picklists: { industry: { values: [{ value: 'energy', label: { en: 'Energy' } }, { value: 'retail', label: { en: 'Retail' } }] } } };
const definition = {
  schema: {
    type: 'object',
    properties: {
      code: { type: 'string', 'x-unique': true },
      industry: { type: 'string', 'x-type': 'picklist', 'x-picklist': 'industry' },
      sectors: { type: 'array', 'x-type': 'multiselect', 'x-picklist': 'industry' },
      qty: { type: 'integer' },
      price: { type: 'number' },
      amount: { type: 'number', 'x-computed': 'record.qty * 2' },
      gross: { type: 'number', 'x-computed': 'double(record.amount) * record.price' },
      account: { type: 'string', 'x-type': 'reference', 'x-ref': 'account' },
      owner: { type: 'string', 'x-type': 'user' },
    },
  },
  numbering: { field: 'number', pattern: 'Q-{yyyy}-{seq:6}' },
  indexes: ['industry', 'qty'],
  review: { required: true },
  titleField: 'code',
};

describe('entity features', () => {
  const features = entityFeatures(bundle, definition);

  it('reads the x- annotations and the entity options', () => {
    expect(features).toEqual({
      unique: ['code'],
      computed: [{ field: 'amount', expression: 'record.qty * 2' }, { field: 'gross', expression: 'double(record.amount) * record.price' }],
      picklists: [
        { field: 'industry', name: 'industry', values: ['energy', 'retail'], multi: false },
        { field: 'sectors', name: 'industry', values: ['energy', 'retail'], multi: true },
      ],
      references: [{ field: 'account', entity: 'account' }],
      users: ['owner'],
      numbering: { field: 'number', pattern: 'Q-{yyyy}-{seq:6}' },
      indexes: ['industry', 'qty'],
      reviewRequired: true,
      titleField: 'code',
      integers: ['qty'],
    });
  });

  it('checks picklist and multiselect values with the offending path', () => {
    expect(checkPicklists({ industry: 'energy', sectors: ['retail'] }, features, '')).toEqual([]);
    expect(checkPicklists({ industry: 'mining', sectors: ['retail', 'oil'] }, features, '/data')).toEqual([
      { path: '/data/industry', message: '"mining" is not a value of picklist "industry"', code: 'NOT_IN_PICKLIST' },
      { path: '/data/sectors/1', message: '"oil" is not a value of picklist "industry"', code: 'NOT_IN_PICKLIST' },
    ]);
  });

  it('computes fields in order with BigInt-safe integer results', () => {
    const data: Record<string, unknown> = { qty: 21, price: 1.5 };
    expect(applyComputed(data, features, '')).toEqual([]);
    expect(data).toEqual({ qty: 21, price: 1.5, amount: 42, gross: 63 });
    expect(typeof data.amount).toBe('number');
    const broken: Record<string, unknown> = { price: 1 };
    const problems = applyComputed(broken, features, '');
    expect(problems.map((p) => p.path)).toEqual(['/amount', '/gross']);
  });

  it('formats numbers and scopes counters by the date tokens', () => {
    const date = { year: 2026, month: 3, day: 5 };
    expect(formatNumber('Q-{yyyy}-{seq:6}', date, 42n)).toBe('Q-2026-000042');
    expect(formatNumber('INV{yy}{mm}{dd}-{seq}', date, 7)).toBe('INV260305-7');
    expect(numberingScope('Q-{yyyy}-{seq:6}', date)).toBe('Q-2026-{seq:6}');
    expect(numberingScope('Q-{yyyy}{mm}-{seq:4}', date)).toBe('Q-202603-{seq:4}');
  });

  it('splits a number around its sequence token the way formatNumber fills it', () => {
    const date = { year: 2026, month: 3, day: 5 };
    const assemble = (parts: NonNullable<ReturnType<typeof numberParts>>, seq: number) => parts.prefix + String(seq).padStart(parts.width, '0') + parts.suffix;
    for (const [pattern, seq] of [['Q-{yyyy}-{seq:6}', 42], ['{seq:3}/{yy}', 1234567], ['INV{yy}{mm}{dd}-{seq}', 7]] as const) {
      const parts = numberParts(pattern, date)!;
      expect(parts.scope).toBe(numberingScope(pattern, date));
      expect(assemble(parts, seq)).toBe(formatNumber(pattern, date, seq));
    }
    expect(numberParts('Q-{yyyy}-{seq:6}', date)).toEqual({ scope: 'Q-2026-{seq:6}', prefix: 'Q-2026-', width: 6, suffix: '' });
    expect(numberParts('Q-{yyyy}', date)).toBeNull();
    expect(numberParts('{seq:2}-{seq:2}', date)).toBeNull();
  });
});

describe('maker-checker review', () => {
  const at = '2026-01-01T00:00:00.000Z';
  it('goes unreviewed -> first_reviewed -> reviewed by two different people', () => {
    const first = applyReview(unreviewed(), 'first', 'branchmgr', 'sales1', at);
    expect(first).toMatchObject({ state: 'first_reviewed', firstReviewer: 'branchmgr', firstReviewedAt: at });
    expect(applyReview(first, 'second', 'finance', 'sales1', at)).toMatchObject({ state: 'reviewed', secondReviewer: 'finance' });
  });

  it.each([
    ['second by the first reviewer', 'first_reviewed', 'second', 'branchmgr', 'FORBIDDEN'],
    ['second by the last editor', 'first_reviewed', 'second', 'sales1', 'FORBIDDEN'],
    ['second before first', 'unreviewed', 'second', 'finance', 'CONFLICT'],
    ['first twice', 'first_reviewed', 'first', 'finance', 'CONFLICT'],
    ['after completion', 'reviewed', 'second', 'hqvp', 'CONFLICT'],
  ] as const)('refuses %s', (_name, state, stage, actor, code) => {
    const current = { ...unreviewed(), state, firstReviewer: state === 'unreviewed' ? null : 'branchmgr' };
    expect(() => applyReview(current, stage, actor, 'sales1', at)).toThrow(expect.objectContaining({ code }));
    expect(() => applyReview(current, stage, actor, 'sales1', at)).toThrow(DomainError);
  });
});

describe('CSV', () => {
  it('parses RFC 4180 quoting, CRLF and a BOM', () => {
    expect(parseCsv('\ufeffa,b\r\n"x, y","he said ""hi"""\r\n"multi\nline",\n')).toEqual([['a', 'b'], ['x, y', 'he said "hi"'], ['multi\nline', '']]);
    expect(() => parseCsv('a\n"open')).toThrow(DomainError);
  });

  it('converts cells by field type and leaves unconvertible text for validation', () => {
    const catalog = fieldCatalog(definition.schema);
    const rows = parseCsv('code,qty,price,sectors,extra\nA1,3,x,"energy;retail",1\nA2,,2.5,"[""energy""]",\n');
    expect(csvToData(rows, catalog)).toEqual([
      { code: 'A1', qty: 3, price: 'x', sectors: ['energy', 'retail'], extra: '1' },
      { code: 'A2', price: 2.5, sectors: ['energy'] },
    ]);
  });

  it('writes cells that round-trip', () => {
    const line = csvLine(['plain', 'a,b', 'q"uote', 3, null, { a: 1 }]);
    expect(line).toBe('plain,"a,b","q""uote",3,,"{""a"":1}"\r\n');
    expect(parseCsv(line)).toEqual([['plain', 'a,b', 'q"uote', '3', '', '{"a":1}']]);
  });
});
