import { describe, expect, it } from 'vitest';
import { isSeekValue, orderBy, parseSort, seekCondition } from '../../engine/domain/query/sort.js';
import { fieldCatalog } from '../../engine/domain/query/fields.js';
import { SqlParams } from '../../engine/domain/query/sql-params.js';
import { DomainError } from '../../engine/domain/errors.js';

const catalog = fieldCatalog({ properties: { status: { type: 'string' }, total: { type: 'number' }, lines: { type: 'array' }, urgent: { type: 'boolean' } } });

describe('sort and keyset paging', () => {
  it.each([
    [undefined, 'created_at asc, id asc'],
    ['-createdAt', 'created_at desc, id desc'],
    ['updatedAt', 'updated_at asc, id asc'],
    ['-total', `flowcrm_num(data->'total') desc, id desc`],
    ['status', `(data->>'status') asc, id asc`],
    ['urgent', `(data->'urgent') asc, id asc`],
  ])('orders %s as %s', (sort, sql) => {
    expect(orderBy(parseSort(sort, catalog))).toBe(sql);
  });

  it.each([['nosuch', 'unknown field "nosuch"'], ['-lines', '"lines" is a list and cannot be sorted'], ['data', 'unknown field "data"']])('rejects %s', (sort, message) => {
    try {
      parseSort(sort, catalog);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).details).toEqual([{ path: '/query/sort', message }]);
    }
  });

  it('seeks past the last row with a row comparison in the sort direction', () => {
    const params = new SqlParams();
    expect(seekCondition(parseSort('-total', catalog), { value: '1500.5', id: 'x' }, params))
      .toBe(`(flowcrm_num(data->'total'), id) < ($2::numeric, $1::uuid)`);
    expect(params.values).toEqual(['x', '1500.5']);
  });

  it('keeps rows without the field (NULL, sorted last ascending) reachable', () => {
    const spec = parseSort('total', catalog);
    expect(seekCondition(spec, { value: '5', id: 'a' }, new SqlParams()))
      .toBe(`((flowcrm_num(data->'total'), id) > ($2::numeric, $1::uuid) or flowcrm_num(data->'total') is null)`);
    expect(seekCondition(spec, { value: null, id: 'a' }, new SqlParams())).toBe(`(flowcrm_num(data->'total') is null and id > $1::uuid)`);
    expect(seekCondition(parseSort('-total', catalog), { value: null, id: 'a' }, new SqlParams()))
      .toBe(`((flowcrm_num(data->'total') is null and id < $1::uuid) or flowcrm_num(data->'total') is not null)`);
  });

  it('accepts only cursor values that cast to the sort type', () => {
    expect(isSeekValue(parseSort('total', catalog), '12.50')).toBe(true);
    expect(isSeekValue(parseSort('total', catalog), '1; drop')).toBe(false);
    expect(isSeekValue(parseSort('createdAt', catalog), '2026-11-24 14:01:41.123+00')).toBe(true);
    expect(isSeekValue(parseSort('createdAt', catalog), null)).toBe(false);
    expect(isSeekValue(parseSort('createdAt', catalog), 'yesterday')).toBe(false);
    expect(isSeekValue(parseSort('urgent', catalog), 'maybe')).toBe(false);
    expect(isSeekValue(parseSort('status', catalog), 42)).toBe(false);
  });
});
