import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fieldTypes } from '../../engine/domain/config/field-types.js';
import { enumLabel, fieldLabel, localizedSchema, renderByType, titleFilter, uiSchemaFor } from '../../admin-ui/src/form/field-ui.js';
import { cellValue } from '../../admin-ui/src/cell-value.js';
import type { Config, EntityDefinition } from '../../admin-ui/src/types.js';

const quote = JSON.parse(readFileSync('schemas/starter-pack/entities/quote.json', 'utf8')) as EntityDefinition;
const customer = JSON.parse(readFileSync('schemas/starter-pack/entities/customer.json', 'utf8')) as EntityDefinition;
const priority = JSON.parse(readFileSync('schemas/starter-pack/picklists/priority.json', 'utf8'));

const widgetEntity = {
  label: { en: 'Deal' }, titleField: 'name',
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', 'x-type': 'text' },
      amount: { type: 'object', 'x-type': 'money', properties: { amount: { type: 'number' }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } } },
      discount: { type: 'number', minimum: 0, maximum: 100, 'x-type': 'percent' },
      phone: { type: 'string', pattern: '^[0-9]+$', maxLength: 20, 'x-type': 'phone' },
      email: { type: 'string', format: 'email', 'x-type': 'email' },
      priority: { type: 'string', 'x-type': 'picklist', 'x-picklist': 'priority' },
      tags: { type: 'array', items: { type: 'string' }, 'x-type': 'multiselect', 'x-picklist': 'priority' },
      account: { type: 'string', format: 'uuid', 'x-type': 'reference', 'x-ref': 'customer' },
      owner: { type: 'string', 'x-type': 'user' },
      closeOn: { type: 'string', format: 'date', 'x-type': 'date' },
      remindAt: { type: 'string', format: 'date-time', 'x-type': 'datetime' },
    },
  },
  ui: { name: { 'ui:autofocus': true }, owner: { 'ui:widget': 'text' } },
} as unknown as EntityDefinition;

describe('admin UI: a widget for every x-type', () => {
  it('maps every x-type the configuration knows (a new one must be mapped in field-ui.ts)', () => {
    expect(Object.keys(renderByType).sort()).toEqual([...fieldTypes].sort());
  });

  it.each([
    ['amount', { 'ui:field': 'money' }],
    ['discount', { 'ui:widget': 'percent' }],
    ['phone', { 'ui:widget': 'phone' }],
    ['priority', { 'ui:widget': 'picklist' }],
    ['tags', { 'ui:widget': 'multiselect' }],
    ['account', { 'ui:widget': 'reference' }],
    ['owner', { 'ui:widget': 'text' }], // the entity's own ui wins over the x-type's widget
    ['closeOn', { 'ui:widget': 'date' }],
    ['remindAt', { 'ui:widget': 'datetime' }],
    ['name', { 'ui:autofocus': true }],
  ])('%s renders with %j', (field, expected) => {
    const ui = uiSchemaFor(widgetEntity, { locale: 'en' }) as Record<string, Record<string, unknown>>;
    expect(ui[field]).toMatchObject(expected);
  });

  it('leaves text and email to RJSF and does not descend into money', () => {
    const ui = uiSchemaFor(widgetEntity, { locale: 'en' }) as Record<string, Record<string, unknown>>;
    expect(ui.email['ui:widget']).toBeUndefined();
    expect(ui.amount.amount).toBeUndefined();
  });
});

describe('admin UI: labels in the chosen locale', () => {
  it.each([
    ['en', 'customerName', 'Customer'], ['zh', 'customerName', '客户'], ['zh', 'discountPercent', '折扣（%）'],
    ['zh', 'total', '总额'], ['en', 'total', 'Total'],
  ] as const)('%s: %s is titled %s', (locale, field, title) => {
    const properties = (quote.schema as { properties: Record<string, unknown> }).properties;
    expect(fieldLabel(properties[field], field, locale)).toBe(title);
    expect((uiSchemaFor(quote, { locale }) as Record<string, Record<string, unknown>>)[field]['ui:title']).toBe(title);
  });

  it('titles nested fields and array items, and falls back to title, then the name', () => {
    const ui = uiSchemaFor(quote, { locale: 'zh' }) as any;
    expect(ui.lines.items.product['ui:title']).toBe('产品');
    const zh = localizedSchema(quote.schema, 'zh') as any;
    expect([zh.properties.lines.title, zh.properties.lines.items.properties.unitPrice.title, zh.properties.status.title]).toEqual(['明细', '单价', '状态']);
    expect(zh.properties.status.enum).toEqual((quote.schema as any).properties.status.enum);
    expect((quote.schema as any).properties.lines.title).toBe('Lines'); // the configuration itself is not changed
    expect(fieldLabel({ title: 'Plain' }, 'x', 'zh')).toBe('Plain');
    expect(fieldLabel({}, 'bare', 'zh')).toBe('bare');
  });

  it('labels enum values from x-enum-labels, the value itself when unlabelled', () => {
    const status = (quote.schema as any).properties.status;
    expect((uiSchemaFor(quote, { locale: 'zh' }) as any).status['ui:enumNames']).toEqual(['草稿', '审批中', '已批准', '已驳回']);
    expect(enumLabel(status, 'pending_approval', 'en')).toBe('Pending approval');
    expect(enumLabel(status, 'unknown', 'zh')).toBe('unknown');
  });

  it('keeps the entity ui (ui:order) and makes locked fields read-only', () => {
    const ui = uiSchemaFor(quote, { locale: 'en', locked: ['lines', 'total'] }) as any;
    expect(ui['ui:order']).toEqual(quote.ui?.['ui:order']);
    expect(ui.lines['ui:readonly']).toBe(true);
    expect(ui.total['ui:readonly']).toBe(true);
    expect(ui.customerName['ui:readonly']).toBeUndefined();
  });
});

describe('admin UI: list cells and reference search', () => {
  const config = { version: 1, hash: 'h', entities: { customer }, picklists: { priority, 'customer-tier': JSON.parse(readFileSync('schemas/starter-pack/picklists/customer-tier.json', 'utf8')) } } as unknown as Config;
  const props = (customer.schema as any).properties;
  it.each([
    [props.tier, 'A', 'zh', 'A类：重点客户'],
    [props.tier, 'Z', 'en', 'Z'],
    [props.state, 'dormant', 'zh', '休眠'],
    [{ 'x-type': 'money' }, { amount: 1234.5, currency: 'USD' }, 'en', 'USD 1,234.5'],
    [{ 'x-type': 'percent', type: 'number' }, 15, 'en', '15%'],
    [{ type: 'number' }, 200000, 'en', '200,000'],
    [{ type: 'string' }, undefined, 'en', ''],
    [{ type: 'array', 'x-type': 'multiselect', 'x-picklist': 'priority' }, ['high', 'low'], 'zh', '高, 低'],
  ] as const)('%j %j in %s shows %s', (schema, value, locale, shown) => {
    expect(cellValue(schema, value, config, locale)).toBe(shown);
  });

  it.each([
    ['name', 'Glob', 'record.name.contains("Glob")'],
    ['name', '  ', undefined],
    ['name', 'say "hi"\\', 'record.name.contains("say \\"hi\\"\\\\")'],
  ])('searching %s for %j filters with %s', (field, text, filter) => {
    expect(titleFilter(field, text)).toBe(filter);
  });
});
