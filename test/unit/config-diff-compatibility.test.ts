import { describe, expect, it } from 'vitest';
import { bundlePointerOf, compatibilityPlan, summarizeViolations, topLevelField } from '../../engine/domain/config/compatibility.js';
import { readBundleFolder, starterPackDir } from '../../engine/config-folder.js';

async function starter(): Promise<any> {
  return (await readBundleFolder(starterPackDir)).bundle;
}

describe('compatibilityPlan', () => {
  it('plans nothing when no entity schema changed', async () => {
    const a = await starter();
    const b = structuredClone(a);
    b.approvalChains['quote-discount'].steps.pop();
    b.entities.quote.label.en = 'Offer';
    expect(compatibilityPlan(a, b)).toEqual({ checks: [], revalidate: [] });
    expect(compatibilityPlan(null, b)).toEqual({ checks: [], revalidate: [] });
  });

  it('checks new required fields without default, removed fields, removed enum values; re-validates with type changes', async () => {
    const a = await starter();
    const b = structuredClone(a);
    const props = b.entities.quote.schema.properties;
    props.region = { type: 'string' };
    props.channel = { type: 'string', default: 'direct' };
    b.entities.quote.schema.required.push('region', 'channel');
    delete props.discountPercent;
    props.status.enum = ['draft', 'pending_approval', 'approved'];
    props.total.type = 'integer';
    const plan = compatibilityPlan(a, b);
    expect(plan.checks.map((c) => [c.path, c.code, c.probe])).toEqual([
      ['/region', 'REQUIRED_FIELD_ADDED', { kind: 'missing', field: 'region' }],
      ['/discountPercent', 'FIELD_REMOVED', { kind: 'present', field: 'discountPercent' }],
      ['/status', 'ENUM_VALUE_REMOVED', { kind: 'valueIn', field: 'status', values: ['rejected'] }],
    ]);
    expect(plan.checks[2].message).toBe('status no longer allows "rejected"');
    expect(plan.revalidate).toEqual([{ entity: 'quote', schema: b.entities.quote.schema, typeChanged: ['total'] }]);
  });

  it('treats an optional field becoming required as required-added, and array item enums as containsAny', async () => {
    const a = await starter();
    a.entities.quote.schema.properties.tags = { type: 'array', items: { type: 'string', enum: ['a', 'b', 'c'] } };
    const b = structuredClone(a);
    b.entities.quote.schema.required.push('total');
    b.entities.quote.schema.properties.tags.items.enum = ['a'];
    expect(compatibilityPlan(a, b).checks.map((c) => [c.code, c.probe])).toEqual([
      ['REQUIRED_FIELD_ADDED', { kind: 'missing', field: 'total' }],
      ['ENUM_VALUE_REMOVED', { kind: 'containsAny', field: 'tags', values: ['b', 'c'] }],
    ]);
  });

  it('does not flag an enum that is dropped altogether (any value is allowed again)', async () => {
    const a = await starter();
    const b = structuredClone(a);
    delete b.entities.quote.schema.properties.status.enum;
    expect(compatibilityPlan(a, b).checks).toEqual([]);
  });

  it('checks picklist fields when their picklist loses values or the field names another picklist', async () => {
    const a = await starter();
    a.picklists = {
      region: { values: [{ value: 'east', label: { en: 'East' } }, { value: 'west', label: { en: 'West' } }] },
      zone: { values: [{ value: 'z1', label: { en: 'Z1' } }] },
    };
    a.entities.quote.schema.properties.region = { type: 'string', 'x-picklist': 'region' };
    a.entities.quote.schema.properties.regions = { type: 'array', items: { type: 'string' }, 'x-picklist': 'region' };
    a.entities.quote.schema.properties.zone = { type: 'string', 'x-picklist': 'zone' };
    const b = structuredClone(a);
    b.picklists.region.values.pop();
    b.picklists.region.values.push({ value: 'north', label: { en: 'North' } });
    b.entities.quote.schema.properties.zone['x-picklist'] = 'region';
    expect(compatibilityPlan(a, b).checks.map((c) => [c.path, c.code, c.message, c.probe])).toEqual([
      ['/region', 'PICKLIST_VALUE_REMOVED', 'region: picklist region no longer has "west"', { kind: 'notIn', field: 'region', values: ['east', 'north'], multi: false }],
      ['/regions', 'PICKLIST_VALUE_REMOVED', 'regions: picklist region no longer has "west"', { kind: 'notIn', field: 'regions', values: ['east', 'north'], multi: true }],
      ['/zone', 'PICKLIST_VALUE_REMOVED', 'zone: picklist region no longer has "z1"', { kind: 'notIn', field: 'zone', values: ['east', 'north'], multi: false }],
    ]);
    const c = structuredClone(a);
    c.picklists.region.values.push({ value: 'north', label: { en: 'North' } });
    expect(compatibilityPlan(a, c).checks).toEqual([]);
  });

  it('flags a removed entity for all its records', async () => {
    const a = await starter();
    const b = structuredClone(a);
    delete b.entities.quote;
    expect(compatibilityPlan(a, b).checks).toEqual([
      { entity: 'quote', path: '', code: 'ENTITY_REMOVED', message: 'entity quote is removed but has records', probe: { kind: 'all' } },
    ]);
  });
});

describe('summarizeViolations', () => {
  const revalidation = { entity: 'quote', schema: {}, typeChanged: ['total'] };

  it('groups by top-level field, counts distinct records, skips covered fields, labels type changes', () => {
    const issues = summarizeViolations(revalidation, [
      { recordId: 'r1', details: [{ path: '/total', message: 'must be integer' }, { path: '/lines/0/quantity', message: 'must be <= 5' }, { path: '/lines/1/quantity', message: 'must be <= 5' }] },
      { recordId: 'r2', details: [{ path: '/total', message: 'must be integer' }, { path: '/region', message: 'is required' }] },
    ], new Set(['region']), 40, true);
    expect(issues.map((i) => [i.path, i.code, i.records, i.checked, i.sampled])).toEqual([
      ['/lines', 'CONSTRAINT_TIGHTENED', 1, 40, true],
      ['/total', 'TYPE_CHANGED', 2, 40, true],
    ]);
    expect(issues[1].message).toBe('the type of total changed; 2 of 40 records checked fail (e.g. record r1: /total must be integer)');
  });

  it('reports nothing when every record validates', () => {
    expect(summarizeViolations(revalidation, [], new Set(), 3, false)).toEqual([]);
  });
});

describe('pointers', () => {
  it('maps record paths to fields and issues to bundle pointers', () => {
    expect(topLevelField('/lines/0/quantity')).toBe('lines');
    expect(topLevelField('/a~1b')).toBe('a/b');
    expect(topLevelField('')).toBe('');
    expect(bundlePointerOf({ entity: 'quote', path: '/region' })).toBe('/entities/quote/schema/properties/region');
    expect(bundlePointerOf({ entity: 'quote', path: '' })).toBe('/entities/quote');
  });
});
