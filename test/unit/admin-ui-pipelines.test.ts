import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  allPipelines, isFilled, missingFields, nextStage, pipelinesOf, requiredFields, splitGateErrors, stageFormSchema, stageLabel, type Pipeline,
} from '../../admin-ui/src/pipeline/pipelines.js';

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const sales = read('schemas/starter-pack/pipelines/opportunity-sales.json') as Pipeline;
const project = read('schemas/starter-pack/pipelines/project-sales.json') as Pipeline;
const opportunity = read('schemas/starter-pack/entities/opportunity.json');
const stage = (id: string) => sales.stages.find((s) => s.id === id)!;

describe('stage bar and kanban helpers', () => {
  it.each([
    [undefined, false], [null, false], ['', false], ['  ', false], [[], false], ['x', true], [0, true], [false, true], [{ amount: 1 }, true], [['a'], true],
  ])('isFilled(%j) = %s, as the gate counts it', (value, filled) => expect(isFilled(value)).toBe(filled));

  it.each([
    ['qualified', ['customer', 'owner']], ['needs-confirmed', ['needs', 'amount']], ['won', ['closeDate', 'wonReason']], ['lost', ['lostReason']], ['lead', []],
  ])('requiredFields(%s): the stage\'s requires and a closed stage\'s reason field', (id, fields) => expect(requiredFields(sales, stage(id))).toEqual(fields));

  it('missingFields leaves out what the record has', () => {
    expect(missingFields(sales, stage('needs-confirmed'), { needs: 'pumps', amount: null })).toEqual(['amount']);
    expect(missingFields(sales, stage('needs-confirmed'), { needs: 'pumps', amount: { amount: 1, currency: 'CNY' } })).toEqual([]);
  });

  it.each([['lead', 'qualified'], ['negotiation', undefined], ['won', undefined], [undefined, undefined]])('nextStage(%s) = %s among the open stages', (current, next) => {
    expect(nextStage(sales, current)?.id).toBe(next);
  });

  it('labels in the locale, English when the locale has none', () => {
    expect(stageLabel(stage('quote'), 'zh')).toBe('方案报价');
    expect(stageLabel({ id: 'x', label: { en: 'X' } }, 'zh')).toBe('X');
    expect(stageLabel({ id: 'x' }, 'en')).toBe('x');
  });

  it('pipelines sorted by name, per entity', () => {
    const all = { 'project-sales': project, 'opportunity-sales': sales };
    expect(allPipelines(all).map(([n]) => n)).toEqual(['opportunity-sales', 'project-sales']);
    expect(pipelinesOf(all, sales.entity).map(([n]) => n)).toEqual(allPipelines(all).filter(([, p]) => p.entity === sales.entity).map(([n]) => n));
    expect(pipelinesOf(all, 'quote')).toEqual([]);
  });

  it('stageFormSchema keeps just the asked fields, all required, none read-only', () => {
    const schema = stageFormSchema(opportunity.schema, ['needs', 'amount', 'number', 'nope']);
    expect(Object.keys(schema.properties as object)).toEqual(['needs', 'amount', 'number']);
    expect(schema.required).toEqual(['needs', 'amount', 'number']);
    expect((schema.properties as Record<string, { readOnly?: boolean }>).number.readOnly).toBeUndefined();
  });

  it('splitGateErrors: field details (also under /data) to their fields, a failed condition to the move', () => {
    const { byField, other } = splitGateErrors([
      { path: '/needs', message: 'needs is required', code: 'REQUIRED_FIELD' },
      { path: '/data/amount/amount', message: 'must be >= 0' },
      { path: '/pipelines/opportunity-sales/stages/3/when', message: 'stage "Quote" requires …', code: 'CONDITION_FAILED' },
    ], ['needs', 'amount']);
    expect(byField.map((d) => d.path)).toEqual(['/needs', '/amount/amount']);
    expect(other.map((d) => d.code)).toEqual(['CONDITION_FAILED']);
  });
});
