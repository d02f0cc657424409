import { describe, expect, it } from 'vitest';
import { andFilter, celCondition, filterableFields, operatorsFor, type FilterOp } from '../../admin-ui/src/cel-filter.js';
import { evaluateCondition } from '../../engine/domain/cel.js';

const str = { type: 'string' };
const num = { type: 'number' };
const int = { type: 'integer' };
const bool = { type: 'boolean' };

describe('the record list filter builder', () => {
  it.each<[string, FilterOp, string, object, string | null]>([
    ['tier', 'eq', 'gold', str, 'has(record.tier) && record.tier == "gold"'],
    ['name', 'contains', 'Say "hi"', str, 'has(record.name) && record.name.contains("Say \\"hi\\"")'],
    ['name', 'startsWith', 'Glo', str, 'has(record.name) && record.name.startsWith("Glo")'],
    ['creditLine', 'ge', '100000', num, 'has(record.creditLine) && record.creditLine >= 100000.0'],
    ['creditLine', 'lt', '2.5', num, 'has(record.creditLine) && record.creditLine < 2.5'],
    ['count', 'ne', '3', int, 'has(record.count) && record.count != 3'],
    ['active', 'eq', 'true', bool, 'has(record.active) && record.active == true'],
    ['email', 'set', '', str, 'has(record.email)'],
    ['email', 'unset', '', str, '!has(record.email)'],
    ['creditLine', 'gt', 'lots', num, null],
    ['count', 'gt', '1.5', int, null],
    ['name', 'gt', 'a', str, null], // no ordering of strings in the builder
    ['active', 'eq', 'yes', bool, null],
  ])('%s %s %s -> %s', (field, op, value, property, cel) => {
    expect(celCondition(field, op, value, property)).toBe(cel);
  });

  it('builds expressions the engine evaluates as meant, absent fields left out', () => {
    const gold = celCondition('tier', 'eq', 'gold', str)!;
    const rich = celCondition('creditLine', 'ge', '100000', num)!;
    const both = andFilter(gold, rich);
    expect(evaluateCondition(both, { record: { tier: 'gold', creditLine: 250000 } })).toBe(true);
    expect(evaluateCondition(both, { record: { tier: 'gold', creditLine: 5000 } })).toBe(false);
    expect(evaluateCondition(both, { record: { tier: 'gold' } })).toBe(false);
    expect(evaluateCondition(celCondition('name', 'contains', 'lob', str)!, { record: { name: 'Globex' } })).toBe(true);
  });

  it('offers scalar fields only, with the operators of their type; conditions join with &&', () => {
    expect(filterableFields({ name: str, total: num, lines: { type: 'array' }, amount: { type: 'object' }, ok: bool })).toEqual(['name', 'total', 'ok']);
    expect(operatorsFor(num)).toContain('ge');
    expect(operatorsFor(str)).not.toContain('ge');
    expect(operatorsFor({ type: 'array' })).toEqual([]);
    expect(andFilter(undefined, 'a')).toBe('a');
    expect(andFilter('a', 'b')).toBe('a && b');
  });
});
