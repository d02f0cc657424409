import { describe, expect, it } from 'vitest';
import { readBundleFolder, starterPackDir } from '../../engine/config-folder.js';
import { evaluateCondition } from '../../engine/domain/cel.js';
import { celTypeOfField } from '../../engine/domain/config/cel-types.js';
import { checkCelAgainstEntity } from '../../engine/domain/config/cel-check.js';

const quote = (await readBundleFolder(starterPackDir)).bundle.entities as Record<string, unknown>;
const entity = quote.quote;
const money = {
  schema: {
    type: 'object',
    properties: {
      price: {
        type: 'object', 'x-type': 'money',
        properties: { amount: { type: 'number' }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
      },
      tags: { type: 'array', items: { type: 'string' } },
      count: { type: 'integer' },
      active: { type: 'boolean' },
      meta: { type: 'object' },
      level: { enum: ['a', 'b'] },
    },
  },
};

describe('checkCelAgainstEntity', () => {
  it.each([
    'record.discountPercent > 10.0',
    'record.total > 10',
    'has(record.total) && record.total > 500000.0 || record.customerName.startsWith("A")',
    'record.lines.exists(l, l.quantity * l.unitPrice > 100.0)',
    'record.status == "draft" && previous.status != record.status',
    'record["total"] >= 0.0',
    'vars.approved == true',
    'now > "2026-01-01"',
  ])('accepts the condition %s', (expression) => {
    expect(checkCelAgainstEntity(expression, entity, { expect: 'bool' })).toBeNull();
  });

  it.each([
    ['record.total > "x"', 'INVALID_EXPRESSION', 'no such overload'],
    ['record.customerName + 1', 'INVALID_EXPRESSION', 'no such overload'],
    ['record.discount > 1.0', 'UNKNOWN_FIELD', '"discount" is not a field of entity "quote"'],
    ['has(record.colour)', 'UNKNOWN_FIELD', '"colour"'],
    ['record["colour"] == "red"', 'UNKNOWN_FIELD', '"colour"'],
    ['record.lines.exists(l, l.produc == "a")', 'UNKNOWN_FIELD', '"produc"'],
    ['record.total', 'INVALID_EXPRESSION', 'yields double'],
    ['record.customerName', 'INVALID_EXPRESSION', 'yields string'],
    ['record.total >', 'INVALID_EXPRESSION', ''],
    ['customer.total > 1.0', 'INVALID_EXPRESSION', 'Unknown variable'],
  ])('rejects %s with %s', (expression, code, message) => {
    const problem = checkCelAgainstEntity(expression, entity, { expect: 'bool', entityName: 'quote' });
    expect(problem?.code).toBe(code);
    expect(problem?.message).toContain(message);
  });

  it('does not require a boolean without expect', () => {
    expect(checkCelAgainstEntity('record.total * 1.1', entity)).toBeNull();
    expect(checkCelAgainstEntity('record.total * 1.1', entity, { expect: 'bool' })?.code).toBe('INVALID_EXPRESSION');
  });

  it('types money, lists, integers, booleans, free maps and untyped enums', () => {
    expect(checkCelAgainstEntity('record.price.amount > 10.0 && record.price.currency == "CNY"', money, { expect: 'bool' })).toBeNull();
    expect(checkCelAgainstEntity('record.price.amt > 1.0', money)?.code).toBe('UNKNOWN_FIELD');
    expect(checkCelAgainstEntity('"vip" in record.tags && record.active && record.level == "a"', money)).toBeNull();
    expect(checkCelAgainstEntity('record.meta.anything == 1', money)).toBeNull();
    // integers are JSON numbers, doubles at run time: int arithmetic fails there, so it fails here too
    expect(checkCelAgainstEntity('record.count + 1 > 2', money)?.code).toBe('INVALID_EXPRESSION');
    expect(checkCelAgainstEntity('record.count + 1.0 > 2.0', money)).toBeNull();
    expect(() => evaluateCondition('record.count + 1 > 2', { record: { count: 3 } })).toThrow();
    expect(evaluateCondition('record.count + 1.0 > 2.0', { record: { count: 3 } })).toBe(true);
  });

  it('falls back to syntax and result checks without a usable entity schema', () => {
    expect(checkCelAgainstEntity('record.anything > 1', undefined, { expect: 'bool' })).toBeNull();
    expect(checkCelAgainstEntity('1 + 2', undefined, { expect: 'bool' })?.code).toBe('INVALID_EXPRESSION');
    expect(checkCelAgainstEntity('(', { schema: 'nope' })?.code).toBe('INVALID_EXPRESSION');
  });

  it('reports field types as CEL types', () => {
    expect(celTypeOfField({ type: 'number' }, 'total')).toBe('double');
    expect(celTypeOfField({ type: 'integer' }, 'n')).toBe('double');
    expect(celTypeOfField({ type: 'array', items: { type: 'string' } }, 'tags')).toBe('list<string>');
    expect(celTypeOfField({ type: 'object' }, 'meta')).toBe('map<string, dyn>');
    expect(celTypeOfField({ type: ['string', 'null'] }, 'x')).toBe('dyn');
  });
});
