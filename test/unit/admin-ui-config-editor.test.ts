import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { createAjv } from '../../engine/domain/config/ajv-support.js';
import { locatePointer, pointerSegments } from '../../admin-ui/src/pages/admin/json-locate.js';
import { draftBundle, editableKinds, itemNamePattern, placeIssue, skeletonOf, type EditableKind } from '../../admin-ui/src/pages/admin/config-kinds.js';
import { chainDiagram, pipelineDiagram, processDiagram } from '../../admin-ui/src/pages/admin/diagram.js';
import { fieldRows, removeField, upsertField } from '../../admin-ui/src/pages/admin/entity-fields.js';
import { defaultScript, issuesByInput, offsetText } from '../../admin-ui/src/pages/admin/simulation.js';
import type { EntityDefinition } from '../../admin-ui/src/types.js';

const read = (path: string) => JSON.parse(readFileSync(`schemas/starter-pack/${path}.json`, 'utf8'));
const pretty = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

describe('JSON pointer to text position', () => {
  const chain = read('approval-chains/quote-discount');
  const text = pretty(chain);

  it.each([
    ['', 1, true],
    ['/steps/1/when', lineOf(text, '"when": "(has'), true],
    ['/steps/0/timeout/after', lineOf(text, '"after": "PT48H"'), true],
    ['/lock/2', lineOf(text, '"total"'), true],
    ['/steps/1/mode', lineOf(text, '"id": "region"') - 1, false], // missing: the step's own line
    ['/nothing/here', 1, false],
  ])('%s -> line %i (exact %s)', (pointer, line, exact) => {
    expect(locatePointer(text, pointer)).toMatchObject({ line, exact });
  });

  it('reads escaped segments and keys, and gives null for text that is not JSON', () => {
    expect(pointerSegments('/a~1b/c~0d/0')).toEqual(['a/b', 'c~d', '0']);
    expect(locatePointer('{"a/b": {"x\\"y": [1, {"z": true}]}}', '/a~1b/x"y/1/z')).toMatchObject({ line: 1, exact: true, from: 22 });
    expect(locatePointer('{"a": 1,}', '/a')).toBeNull();
    expect(locatePointer('{"a": 1} x', '/a')).toBeNull();
  });
});

describe('bundle errors placed at their item and line', () => {
  const text = pretty(read('approval-chains/quote-discount'));
  const texts: Record<string, string> = { 'approvalChains/quote-discount': text };

  it('splits the bundle pointer into kind, item and item pointer; the line comes from the open text', () => {
    const placed = placeIssue({ code: 'CEL_UNKNOWN_FIELD', path: '/approvalChains/quote-discount/steps/1/when', message: 'no field totl' }, (k) => texts[k]);
    expect(placed).toMatchObject({ kind: 'approvalChains', name: 'quote-discount', pointer: '/steps/1/when', line: lineOf(text, '"when": "(has') });
  });

  it('an item without a text gets no line; a path outside the editable kinds stays whole', () => {
    expect(placeIssue({ path: '/processes/x/steps/0', message: 'm' }, (k) => texts[k])).toMatchObject({ kind: 'processes', name: 'x', pointer: '/steps/0', line: undefined });
    expect(placeIssue({ path: '/roles/admin', message: 'm' }, (k) => texts[k])).toEqual({ path: '/roles/admin', message: 'm', pointer: '/roles/admin' });
  });

  it('builds the draft bundle: edited items replace the published ones, version and hash are dropped', () => {
    const published = { version: 3, hash: 'h', schemaVersion: 1, entities: { a: { v: 1 }, b: { v: 2 } }, processes: {} };
    expect(draftBundle(published, { 'entities/a': { v: 9 }, 'processes/p': { steps: [] } })).toEqual({
      schemaVersion: 1, entities: { a: { v: 9 }, b: { v: 2 } }, processes: { p: { steps: [] } },
    });
  });
});

describe('diagrams from definitions', () => {
  it('a chain: submitted, its steps with their conditions and approvers, approved', () => {
    const d = chainDiagram(read('approval-chains/quote-discount'), 'zh');
    expect(d.nodes.map((n) => n.id)).toEqual(['(start)', 'branch', 'region', ...d.nodes.slice(3, -1).map((n) => n.id), '(approved)']);
    expect(d.nodes[1]).toMatchObject({ title: '分行经理', lines: expect.arrayContaining(['when has(record.discountPercent) && record.discountPercent > 10.0', 'manager of requester', 'mode: any']) });
    expect(d.edges).toHaveLength(d.nodes.length - 1);
  });

  it('the boxes around the steps speak the UI language', () => {
    const titles = (locale: 'en' | 'zh') => chainDiagram(read('approval-chains/quote-discount'), locale).nodes.filter((n) => n.id.startsWith('(')).map((n) => n.title);
    expect(titles('en')).toEqual(['submitted', 'approved']);
    expect(titles('zh')).toEqual(['已提交', '已批准']);
    expect(processDiagram({ steps: [] }, 'zh').nodes[0].title).toBe('开始');
  });

  it('a process: decision branches and otherwise as labelled arrows to their targets', () => {
    const d = processDiagram(read('processes/complaint-handling'), 'en');
    const fromDecision = d.edges.filter((e) => e.from === 'k01-route-by-severity');
    expect(fromDecision.map((e) => [e.to, e.label])).toEqual([
      ['critical-to-head-office', "record.severity == 'critical'"], ['serious-to-region', "record.severity == 'serious'"], ['front-line', 'otherwise'],
    ]);
    expect(d.nodes.find((n) => n.id === 'front-line')?.lines[0]).toBe('loop');
  });

  it('a process without branches runs top to bottom and stops at end; half-typed input gives a start box only', () => {
    const d = processDiagram(read('processes/quote-approval'), 'en');
    expect(d.edges.map((e) => `${e.from}->${e.to}`)).toEqual(['(start)->approve', 'approve->end']);
    expect(d.nodes.find((n) => n.id === 'approve')?.lines).toEqual(['approval', 'chain quote-discount']);
    expect(processDiagram({ steps: 'oops' }, 'en').nodes).toHaveLength(1);
    expect(chainDiagram(null, 'en').nodes.map((n) => n.id)).toEqual(['(start)', '(approved)']);
  });

  it('a pipeline: open stages in a row, won and lost after the last open one', () => {
    const d = pipelineDiagram(read('pipelines/opportunity-sales'), 'en');
    expect(d.nodes.map((n) => n.column)).toEqual(d.nodes.map((_, i) => i));
    expect(d.edges.filter((e) => e.from === 'negotiation').map((e) => e.to)).toEqual(['won', 'lost']);
    expect(d.nodes.find((n) => n.id === 'negotiation')?.lines).toEqual(['80% · open', 'requires closeDate', 'approval big-deal']);
  });
});

describe('entity fields table', () => {
  const customer = read('entities/customer') as EntityDefinition;

  it('lists fields with their type, labels, picklist and flags', () => {
    expect(fieldRows(customer).find((r) => r.name === 'tier')).toEqual({
      name: 'tier', type: 'picklist', label: { en: 'Tier', zh: '等级' }, picklist: 'customer-tier', ref: undefined, required: false, readOnly: false,
    });
    expect(fieldRows(customer).find((r) => r.name === 'name')?.required).toBe(true);
  });

  it('adds a picklist field from the type skeleton, with labels and picklist; required goes to the schema', () => {
    const next = upsertField(customer, { name: 'region', type: 'picklist', label: { en: 'Region', zh: '区域' }, picklist: 'priority', required: true, readOnly: false });
    const schema = next.schema as unknown as { properties: Record<string, unknown>; required: string[] };
    expect(schema.properties.region).toEqual({ type: 'string', 'x-type': 'picklist', title: 'Region', 'x-label': { en: 'Region', zh: '区域' }, 'x-picklist': 'priority' });
    expect(schema.required).toEqual(['name', 'region']);
    expect(Object.keys(schema.properties).at(-1)).toBe('region');
  });

  it('keeps the keys the table does not edit, renames in place, starts over on a new type, removes', () => {
    const row = fieldRows(customer).find((r) => r.name === 'address')!;
    const renamed = upsertField(customer, { ...row, name: 'street', label: { en: 'Street', zh: '街道' } }, 'address');
    const props = (renamed.schema as { properties: Record<string, Record<string, unknown>> }).properties;
    expect(Object.keys(props).indexOf('street')).toBe(Object.keys((customer.schema as { properties: object }).properties).indexOf('address'));
    expect(props.street).toMatchObject({ maxLength: 50, 'x-type': 'text', 'x-label': { en: 'Street', zh: '街道' } });
    expect(props.address).toBeUndefined();
    const money = upsertField(customer, { ...row, type: 'money' }, 'address');
    expect((money.schema as { properties: Record<string, Record<string, unknown>> }).properties.address).toMatchObject({ type: 'object', 'x-type': 'money' });
    expect((money.schema as { properties: Record<string, Record<string, unknown>> }).properties.address.maxLength).toBeUndefined();
    const removed = removeField(customer, 'name');
    expect((removed.schema as { properties: object }).properties).not.toHaveProperty('name');
    expect((removed.schema as { required?: string[] }).required).toBeUndefined();
  });
});

describe('simulation view helpers', () => {
  it('a starting script answers each task and approval step in order', () => {
    expect(defaultScript(read('processes/quote-approval'))).toEqual({ tasks: [{ step: 'approve', outcome: 'approve', after: 'PT1H' }] });
    expect(defaultScript(undefined)).toEqual({ tasks: [] });
  });

  it('offsets from the start and 422 details split by input', () => {
    expect(offsetText('2026-12-02T09:00:00Z', '2026-12-04T12:05:00Z')).toBe('+2d 3h 5m');
    expect(offsetText('2026-12-02T09:00:00Z', '2026-12-02T09:00:10Z')).toBe('+0m');
    expect(issuesByInput([{ path: '/script/tasks/0/step', message: 'm' }, { path: '/record/total', message: 'n' }, { path: '/process', message: 'o' }]))
      .toEqual({ record: [{ path: '/total', message: 'n' }], script: [{ path: '/tasks/0/step', message: 'm' }] });
  });
});

describe('new items', () => {
  const ajv = createAjv({ strict: false, allowUnionTypes: true, discriminator: true });
  for (const file of readdirSync('schemas/meta')) ajv.addSchema(JSON.parse(readFileSync(`schemas/meta/${file}`, 'utf8')));

  it.each(Object.keys(editableKinds) as EditableKind[])('the %s skeleton passes its meta-schema', (kind) => {
    const validate = ajv.getSchema(`https://schemas.flowcrm.dev/meta/${editableKinds[kind].schema}`);
    expect(validate).toBeDefined();
    const ok = validate!(skeletonOf(kind, 'customer'));
    expect(validate!.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each([['quote-big', true], ['newEntity', true], ['a_b', true], ['9lives', false], ['has space', false], ['', false], ['x'.repeat(65), false]])('name %s allowed: %s', (name, ok) => {
    expect(itemNamePattern.test(name)).toBe(ok);
  });
});
