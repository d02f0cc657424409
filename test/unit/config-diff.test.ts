import { describe, expect, it } from 'vitest';
import { diffBundles, diffPointers } from '../../engine/domain/config/diff.js';
import { readBundleFolder, starterPackDir } from '../../engine/config-folder.js';

const clone = <T>(v: T): T => structuredClone(v);

describe('diffPointers', () => {
  it('is empty for equal values whatever the key order', () => {
    expect(diffPointers({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
  });

  it('names the deepest differing places: changed scalars, added and removed keys, type changes', () => {
    const a = { label: { en: 'Quote' }, schema: { required: ['x'], properties: { x: { type: 'string' }, gone: {} } } };
    const b = { label: { en: 'Offer' }, schema: { required: 'x', properties: { x: { type: 'number' }, new: {} } } };
    expect(diffPointers(a, b)).toEqual(['/label/en', '/schema/properties/gone', '/schema/properties/new', '/schema/properties/x/type', '/schema/required']);
  });

  it('compares arrays by index and reports the extra indices of the longer one', () => {
    expect(diffPointers([1, 2, 3], [1, 5])).toEqual(['/1', '/2']);
    expect(diffPointers({ s: [] }, { s: [{ id: 'a' }] })).toEqual(['/s/0']);
  });

  it('escapes pointer segments (RFC 6901)', () => {
    expect(diffPointers({ 'ui:a/b~c': 1 }, { 'ui:a/b~c': 2 })).toEqual(['/ui:a~1b~0c']);
  });

  it('treats null, false, 0 and "" as different values', () => {
    expect(diffPointers({ a: null, b: 0 }, { a: false, b: '' })).toEqual(['/a', '/b']);
    expect(diffPointers({ a: null }, {})).toEqual(['/a']);
  });
});

describe('diffBundles', () => {
  it('finds nothing between the starter pack and itself, ignoring version and hash', async () => {
    const { bundle } = await readBundleFolder(starterPackDir);
    expect(diffBundles(bundle, { ...clone(bundle), version: 7, hash: 'sha256:x' })).toEqual([]);
  });

  it('lists added, removed and modified items by kind, then name, with paths inside each item', async () => {
    const { bundle: a } = await readBundleFolder(starterPackDir);
    const b = clone(a) as any;
    b.approvalChains['quote-discount'].steps.splice(1, 1);
    b.entities.quote.schema.properties.region = { type: 'string' };
    b.entities.quote.schema.required.push('region');
    b.roles.auditor = { label: { en: 'Auditor' } };
    delete b.roles.collector;
    b.picklists = { ...b.picklists, 'zz-test': { values: [{ value: 'low', label: { en: 'Low' } }] } };
    b.processes['quote-approval'].label.zh = '报价';
    b.locales = ['en'];
    expect(diffBundles(a, b)).toEqual([
      { kind: 'entity', name: 'quote', change: 'modified', paths: ['/schema/properties/region', '/schema/required/2'] },
      { kind: 'picklist', name: 'zz-test', change: 'added', paths: [''] },
      {
        kind: 'approvalChain', name: 'quote-discount', change: 'modified',
        // The region step is gone: head-office moves up to index 1 and index 2 disappears.
        paths: ['/steps/1/approvers', '/steps/1/id', '/steps/1/mode', '/steps/1/name/en', '/steps/1/name/zh', '/steps/1/when', '/steps/2'],
      },
      { kind: 'process', name: 'quote-approval', change: 'modified', paths: ['/label/zh'] },
      { kind: 'role', name: 'auditor', change: 'added', paths: [''] },
      { kind: 'role', name: 'collector', change: 'removed', paths: [''] },
      { kind: 'bundle', name: 'locales', change: 'modified', paths: ['/1'] },
    ]);
  });

  it('lists decision tables as items of their own', async () => {
    const { bundle: a } = await readBundleFolder(starterPackDir);
    const b = clone(a) as any;
    b.decisionTables = { ...b.decisionTables, risk: { hitPolicy: 'first', rules: [{ when: 'true', output: 'low' }] } };
    const c = clone(b);
    c.decisionTables.risk.rules[0].output = 'high';
    expect(diffBundles(a, b)).toEqual([{ kind: 'decisionTable', name: 'risk', change: 'added', paths: [''] }]);
    expect(diffBundles(b, c)).toEqual([{ kind: 'decisionTable', name: 'risk', change: 'modified', paths: ['/rules/0/output'] }]);
  });

  it('lists scorecards as items of their own', async () => {
    const { bundle: a } = await readBundleFolder(starterPackDir);
    const b = clone(a) as any;
    b.scorecards['feature-analysis'].grades[1].min = 210;
    expect(diffBundles(a, b)).toEqual([{ kind: 'scorecard', name: 'feature-analysis', change: 'modified', paths: ['/grades/1/min'] }]);
  });

  it('is symmetric in what it names: the reverse diff swaps added and removed', async () => {
    const { bundle: a } = await readBundleFolder(starterPackDir);
    const b = clone(a) as any;
    delete b.entities.quote;
    expect(diffBundles(a, b)).toEqual([{ kind: 'entity', name: 'quote', change: 'removed', paths: [''] }]);
    expect(diffBundles(b, a)).toEqual([{ kind: 'entity', name: 'quote', change: 'added', paths: [''] }]);
  });
});
