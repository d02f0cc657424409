import { describe, expect, it } from 'vitest';
import quote from '../../schemas/starter-pack/entities/quote.json' with { type: 'json' };
import { createEntityValidator, readOnlyFields } from '../../engine/domain/records/entity-validator.js';

const validate = createEntityValidator(quote.schema);

const validQuote = () => ({
  customerName: 'ACME',
  lines: [{ product: 'Widget', quantity: 2, unitPrice: 10 }],
  discountPercent: 5,
  total: 20,
});

describe('createEntityValidator', () => {
  it('accepts a valid quote and fills the default status', () => {
    const data: Record<string, unknown> = validQuote();
    expect(validate(data)).toEqual([]);
    expect(data.status).toBe('draft');
  });

  it('locates a missing required field at the field itself', () => {
    const { customerName: _omitted, ...data } = validQuote();
    expect(validate(data)).toEqual([{ path: '/customerName', message: 'is required', code: 'VALIDATION_FAILED' }]);
  });

  it('locates a wrong type inside an array item', () => {
    const data = validQuote();
    (data.lines[0] as Record<string, unknown>).quantity = 'two';
    expect(validate(data)).toEqual([{ path: '/lines/0/quantity', message: 'must be number', code: 'VALIDATION_FAILED' }]);
  });

  it('locates an extra property at that property', () => {
    const data = { ...validQuote(), colour: 'red' };
    expect(validate(data)).toEqual([{ path: '/colour', message: 'is not allowed here', code: 'VALIDATION_FAILED' }]);
  });

  it('reports every problem at once', () => {
    const data = { customerName: 'x'.repeat(101), lines: [], discountPercent: 150, status: 'lost' };
    expect(validate(data).map((e) => e.path).sort()).toEqual(['/customerName', '/discountPercent', '/lines', '/status']);
  });

  it('checks formats and allows x-* annotations', () => {
    const check = createEntityValidator({
      type: 'object',
      properties: { customer: { type: 'string', format: 'uuid', 'x-ref': 'customer' } },
    });
    expect(check({ customer: '1b4e28ba-2fa1-11d2-883f-0016d3cca427' })).toEqual([]);
    expect(check({ customer: 'nope' }).map((e) => e.path)).toEqual(['/customer']);
  });

  it('refuses a schema that ajv strict mode rejects', () => {
    expect(() => createEntityValidator({ type: 'object', properties: { a: { type: 'string', minLenght: 1 } } })).toThrow(
      /unknown keyword/,
    );
  });
});

describe('readOnlyFields', () => {
  it('lists the top-level properties marked readOnly', () => {
    expect(readOnlyFields(quote.schema)).toEqual(['contract', 'status']);
    expect(readOnlyFields({ type: 'object' })).toEqual([]);
  });
});
