import { describe, expect, it } from 'vitest';
import { BoundField, bindFilterParams } from '../../engine/domain/query/filter.js';
import { fieldCatalog } from '../../engine/domain/query/fields.js';
import { AggregateProblem, compileAggregate, sumExpression } from '../../engine/domain/records/rule-aggregates.js';

const receivable = fieldCatalog({
  type: 'object',
  properties: {
    customer: { type: 'string', 'x-type': 'reference', 'x-ref': 'customer' },
    amount: { type: 'number' }, paidAmount: { type: 'number' }, status: { type: 'string' }, settled: { type: 'boolean' },
    price: { type: 'object', 'x-type': 'money' },
  },
});
const order = fieldCatalog({ type: 'object', properties: { customer: { type: 'string', 'x-type': 'reference' }, amount: { type: 'number' }, rush: { type: 'boolean' } } });

describe('sumExpression', () => {
  it.each([
    ['record.amount', `coalesce(flowcrm_num(data->'amount'), 0)`],
    ['record.amount - record.paidAmount', `(coalesce(flowcrm_num(data->'amount'), 0) - coalesce(flowcrm_num(data->'paidAmount'), 0))`],
    ['(record.amount + 1.5) * 2', `((coalesce(flowcrm_num(data->'amount'), 0) + 1.5::numeric) * 2::numeric)`],
    ['-record.amount', `(- coalesce(flowcrm_num(data->'amount'), 0))`],
    ['record.price.amount', `coalesce(flowcrm_num(data->'price'->'amount'), 0)`],
  ])('%s', (expression, sql) => {
    expect(sumExpression(expression, receivable)).toBe(sql);
  });

  it.each([
    ['record.status', 'INVALID_AGGREGATE', 'record.status is not a number'],
    ['record.settled', 'INVALID_AGGREGATE', 'record.settled is not a number'],
    ['record.missing', 'UNKNOWN_FIELD', 'unknown field "missing"'],
    ['record.amount / 2.0', 'INVALID_AGGREGATE', 'the operator "/" is not supported'],
    ['size(record.status)', 'INVALID_AGGREGATE', 'the operator "call" is not supported'],
    ["'1'", 'INVALID_AGGREGATE', 'only number literals'],
    ['subject.amount', 'INVALID_AGGREGATE', 'fields are written record.<field>'],
    ['amount', 'INVALID_AGGREGATE', 'unknown name "amount"'],
  ])('refuses %s', (expression, code, message) => {
    const run = () => sumExpression(expression, receivable);
    expect(run).toThrow(AggregateProblem);
    expect(run).toThrow(message);
    try { run(); } catch (error) { expect((error as AggregateProblem).code).toBe(code); }
  });
});

describe('compileAggregate', () => {
  const open = { entity: 'receivable', sum: 'record.amount - record.paidAmount', where: "record.customer == subject.customer && record.status != 'paid'" };

  it('is one select over the live records of the entity, the subject fields as placeholders', () => {
    const query = compileAggregate(open, receivable, order, ['customer', 'status']);
    expect(query.sql).toBe(
      `select coalesce(sum((coalesce(flowcrm_num(data->'amount'), 0) - coalesce(flowcrm_num(data->'paidAmount'), 0))), 0)::text as total `
      + `from records where entity = $1 and deleted_at is null and ((data->>'customer') = $2 and (data->>'status') <> $3)`);
    expect(query.params).toEqual(['receivable', new BoundField('subject', ['customer'], 'text'), 'paid']);
    expect(bindFilterParams(query.params, { subject: { customer: 'c-1', amount: 5 } })).toEqual(['receivable', 'c-1', 'paid']);
    expect(bindFilterParams(query.params, { subject: {} })).toEqual(['receivable', null, 'paid']);
  });

  it('binds a subject number as numeric text, a flipped comparison too', () => {
    const query = compileAggregate({ ...open, where: 'subject.amount < record.amount && record.customer == subject.customer' }, receivable, order, ['customer']);
    expect(query.sql).toContain(`(flowcrm_num(data->'amount') > $2::numeric and (data->>'customer') = $3)`);
    expect(bindFilterParams(query.params, { subject: { amount: 12.5, customer: 'c' } })).toEqual(['receivable', '12.5', 'c']);
  });

  it.each([
    ['record.status == "open"', 'INVALID_AGGREGATE', 'compare an indexed field of "receivable" with =='],
    ['record.customer == subject.customer || record.status == "x"', 'INVALID_AGGREGATE', 'compare an indexed field'],
    ['record.customer == subject.amount', 'INVALID_AGGREGATE', 'record.customer is text and subject.amount is number'],
    ['record.settled == subject.rush', 'INVALID_AGGREGATE', 'record.settled is a boolean'],
    ['record.client == subject.customer', 'UNKNOWN_FIELD', 'unknown field "client"'],
    ['record.customer == subject.client', 'UNKNOWN_FIELD', 'unknown field "client" of subject'],
    ['record.customer == subject', 'INVALID_AGGREGATE', 'compare record.customer with a literal value or a field of subject'],
    ['record.customer == other.customer', 'INVALID_AGGREGATE', 'compare record.customer with a literal value or a field of subject'],
  ])('refuses the where %s', (where, code, message) => {
    const run = () => compileAggregate({ ...open, where }, receivable, order, ['customer']);
    expect(run).toThrow(message);
    try { run(); } catch (error) { expect(error).toMatchObject({ part: 'where', code }); }
  });
});
