import { describe, expect, it } from 'vitest';
import { translateFilter } from '../../engine/domain/query/filter.js';
import { fieldCatalog } from '../../engine/domain/query/fields.js';
import { SqlParams } from '../../engine/domain/query/sql-params.js';
import { DomainError } from '../../engine/domain/errors.js';

const catalog = fieldCatalog({
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['draft', 'approved'] },
    customerName: { type: 'string' },
    total: { type: 'number' },
    count: { type: 'integer' },
    urgent: { type: 'boolean' },
    tags: { type: 'array', 'x-type': 'multiselect', items: { type: 'string' } },
    price: { type: 'object', 'x-type': 'money' },
    owner: { type: 'string', 'x-type': 'user' },
    lines: { type: 'array', items: { type: 'object', properties: { product: { type: 'string' } } } },
  },
});

const accepted: [string, string, unknown[]][] = [
  ['record.status == "approved"', `(data->>'status') = $1`, ['approved']],
  ['record.status != "draft"', `(data->>'status') <> $1`, ['draft']],
  ['record.total > 1000.0', `flowcrm_num(data->'total') > $1::numeric`, ['1000']],
  ['record.total >= 10', `flowcrm_num(data->'total') >= $1::numeric`, ['10']],
  ['record.count < 9007199254740993', `flowcrm_num(data->'count') < $1::numeric`, ['9007199254740993']],
  ['record.total <= -2.5', `flowcrm_num(data->'total') <= $1::numeric`, ['-2.5']],
  ['100 < record.total', `flowcrm_num(data->'total') > $1::numeric`, ['100']],
  ['record.status == "approved" && record.total > 1000.0',
    `((data->>'status') = $1 and flowcrm_num(data->'total') > $2::numeric)`, ['approved', '1000']],
  ['record.status == "a" || !(record.total < 5)', `((data->>'status') = $1 or (not flowcrm_num(data->'total') < $2::numeric))`, ['a', '5']],
  ['record.status in ["draft", "approved"]', `(data->>'status') = any($1::text[])`, [['draft', 'approved']]],
  ['record.total in [1, 2.5]', `flowcrm_num(data->'total') = any($1::numeric[])`, [['1', '2.5']]],
  ['record.status in []', 'false', []],
  ['"vip" in record.tags', `(data->'tags') @> $1::jsonb`, ['["vip"]']],
  ['has(record.total)', `(data->'total') is not null`, []],
  ['record.total == null', `(data->>'total') is null`, []],
  ['record.owner != null', `(data->>'owner') is not null`, []],
  ['record.customerName.startsWith("Ac%")', `(data->>'customerName') like $1`, ['Ac\\%%']],
  ['record.customerName.endsWith("_x")', `(data->>'customerName') like $1`, ['%\\_x']],
  ['record.customerName.contains("me")', `(data->>'customerName') like $1`, ['%me%']],
  ['record.urgent', `(data->'urgent') = 'true'::jsonb`, []],
  ['record.urgent == false', `(data->'urgent') = $1::jsonb`, ['false']],
  ['record.price.amount > 5', `flowcrm_num(data->'price'->'amount') > $1::numeric`, ['5']],
  ['record.price.currency == "EUR"', `(data->'price'->>'currency') = $1`, ['EUR']],
  ['true', 'true', []],
];

const rejected: [string, string][] = [
  ['record.nosuch == 1', 'unknown field "nosuch"'],
  ['record.price.nosuch == 1', 'unknown field "price.nosuch"'],
  ['status == "x"', 'unknown name "status": fields are written record.status'],
  ['record.total == "1000"', 'record.total is a number: compare it with a number, not a string'],
  ['record.status > 5', 'record.status is text: compare it with a string, not a number'],
  ['record.urgent == 1', 'record.urgent is a boolean: compare it with true or false, not a number'],
  ['record.urgent < true', 'record.urgent is a boolean: use == or !='],
  ['record.tags == "x"', 'record.tags is a list and cannot be compared'],
  ['record.total < null', 'record.total can only be compared with null using == or !='],
  ['record.status in ["a", 1]', 'record.status is text: the list must hold strings'],
  ['1 in record.tags', 'record.tags holds text: look for a string'],
  ['record.total == record.count', 'compare record.total with a literal value'],
  ['1 == 1', 'each comparison needs a field of the record on one side'],
  ['record.total', 'record.total is not a boolean condition'],
  ['"x"', 'a filter must be a condition (true or false), not a value'],
  ['record.total + 1 > 2', 'each comparison needs a field of the record on one side'],
  ['size(record.tags) > 1', 'each comparison needs a field of the record on one side'],
  ['matches(record.status, ".*")', 'the function "matches" is not supported in filters'],
  ['record.status.matches(".*")', 'the function "matches" is not supported in filters'],
  ['record.total.startsWith("1")', 'record.total is not text: startsWith() needs a text field'],
  ['record.status ? true : false', 'the operator "?:" is not supported in filters'],
  ['now == "x"', 'unknown name "now": fields are written record.now'],
  ['record.status ==', ''],
];

describe('CEL filter -> SQL', () => {
  it.each(accepted)('%s', (expression, sql, params) => {
    expect(translateFilter(expression, catalog)).toEqual({ sql, params });
  });

  it.each(rejected)('rejects %s', (expression, message) => {
    let error: unknown;
    try {
      translateFilter(expression, catalog);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    const domain = error as DomainError;
    expect(domain.code).toBe('VALIDATION_FAILED');
    expect(domain.details).toHaveLength(1);
    expect(domain.details[0].path).toBe('/query/filter');
    if (message) expect(domain.details[0].message).toBe(message);
  });

  it('continues the placeholder numbering of earlier parameters', () => {
    const params = new SqlParams();
    params.add('quote');
    expect(translateFilter('record.status == "x"', catalog, params)).toEqual({ sql: `(data->>'status') = $2`, params: ['quote', 'x'] });
  });

  it('never puts a literal into the SQL text', () => {
    const hostile = `record.status == "'; drop table records; --" || record.customerName.contains("' or 1=1 --")`;
    const { sql, params } = translateFilter(hostile, catalog);
    expect(sql).not.toContain('drop');
    expect(sql).not.toContain('1=1');
    expect(params).toEqual(["'; drop table records; --", "%' or 1=1 --%"]);
  });

  it('refuses absurdly deep expressions with a 422, not a crash', () => {
    const deep = `${'!'.repeat(200)}(record.total > 1)`;
    expect(() => translateFilter(deep, catalog)).toThrow(DomainError);
  });
});
