import { describe, expect, it } from 'vitest';
import { checkStageMove, gateProblems, isFilled, requiredFields } from '../../engine/domain/pipeline/index.js';
import type { ApprovalChain, Pipeline } from '../../engine/domain/config/types.js';

const pipeline: Pipeline = {
  entity: 'opportunity', field: 'stage', reasons: { won: 'wonReason', lost: 'lostReason' },
  stages: [
    { id: 'lead' },
    { id: 'quote', requires: ['amount', 'customer'], when: "has(record.quoteStatus) && record.quoteStatus == 'approved'" },
    { id: 'negotiation', approval: 'big-deal' },
    { id: 'won', category: 'won', requires: ['closeDate'] },
    { id: 'lost', category: 'lost', requires: ['lostReason'] },
  ],
};
const chains: Record<string, ApprovalChain> = {
  'big-deal': { entity: 'opportunity', entry: 'record.amount.amount > 100000.0', steps: [{ id: 's', approvers: { role: 'finance' } }] },
};
const move = (from: string | null, to: string, record: Record<string, unknown>, approved = false) =>
  checkStageMove({ pipelineName: 'sales', pipeline, from, to, record, chains, approved });
const big = { amount: 200000, currency: 'CNY' };

describe('isFilled', () => {
  it.each([
    [undefined, false], [null, false], ['', false], ['  ', false], [[], false],
    ['x', true], [0, true], [false, true], [['a'], true], [{}, true],
  ])('%j -> %s', (value, filled) => expect(isFilled(value)).toBe(filled));
});

describe('requiredFields', () => {
  it.each([
    ['lead', []], ['quote', ['amount', 'customer']], ['won', ['closeDate', 'wonReason']], ['lost', ['lostReason']],
  ])('%s requires %j (reason fields by category, once)', (stage, fields) => {
    expect(requiredFields(pipeline, pipeline.stages.find((s) => s.id === stage)!)).toEqual(fields);
  });
});

describe('gateProblems', () => {
  it('lists every unmet requirement at once: fields by pointer, then the condition by its config path', () => {
    expect(gateProblems({ pipelineName: 'sales', pipeline, to: 'quote', record: { customer: '' } })).toEqual([
      { path: '/amount', message: 'amount is required to enter stage "quote"', code: 'REQUIRED_FIELD' },
      { path: '/customer', message: 'customer is required to enter stage "quote"', code: 'REQUIRED_FIELD' },
      { path: '/pipelines/sales/stages/1/when', message: `stage "quote" requires ${pipeline.stages[1].when}`, code: 'CONDITION_FAILED' },
    ]);
  });
  it('a condition that cannot be evaluated counts as failed and says why', () => {
    const odd: Pipeline = { ...pipeline, stages: [{ id: 'a' }, { id: 'b', when: 'record.missing > 1' }] };
    const [problem] = gateProblems({ pipelineName: 'p', pipeline: odd, to: 'b', record: {} });
    expect(problem.path).toBe('/pipelines/p/stages/1/when');
    expect(problem.message).toMatch(/^stage "b" requires record\.missing > 1 \(.+\)$/);
  });
  it('uses the English label in messages', () => {
    const labelled: Pipeline = { ...pipeline, stages: [{ id: 'a' }, { id: 'b', label: { en: 'Needs confirmed', zh: '需求确认' }, requires: ['x'] }] };
    expect(gateProblems({ pipelineName: 'p', pipeline: labelled, to: 'b', record: {} })[0].message).toBe('x is required to enter stage "Needs confirmed"');
  });
});

describe('checkStageMove', () => {
  const table: [string, string | null, string, Record<string, unknown>, boolean, ReturnType<typeof move>['kind'], string[]][] = [
    ['forward, gate met', 'lead', 'quote', { amount: big, customer: 'c', quoteStatus: 'approved' }, false, 'allowed', []],
    ['gate unmet: all at once', 'lead', 'quote', { quoteStatus: 'draft' }, false, 'gate', ['/amount', '/customer', '/pipelines/sales/stages/1/when']],
    ['transition refused before the gate', 'lead', 'negotiation', {}, false, 'refused', ['/stage']],
    ['approval needed', 'quote', 'negotiation', { amount: big }, false, 'approval', []],
    ['approval not needed below the chain entry', 'quote', 'negotiation', { amount: { amount: 5, currency: 'CNY' } }, false, 'allowed', []],
    ['approval given', 'quote', 'negotiation', { amount: big }, true, 'allowed', []],
    ['won needs the close date and the reason', 'negotiation', 'won', {}, false, 'gate', ['/closeDate', '/wonReason']],
    ['won with both', 'negotiation', 'won', { closeDate: '2026-12-01', wonReason: 'price' }, false, 'allowed', []],
    ['lost needs its reason once', 'lead', 'lost', {}, false, 'gate', ['/lostReason']],
    ['out of a closed stage', 'lost', 'lead', {}, false, 'refused', ['/stage']],
    ['an approved move still passes the gate', 'lead', 'won', {}, true, 'gate', ['/closeDate', '/wonReason']],
  ];
  it.each(table)('%s', (_name, from, to, record, approved, kind, paths) => {
    const verdict = move(from, to, record, approved);
    expect(verdict.kind).toBe(kind);
    if (verdict.kind === 'gate' || verdict.kind === 'refused') expect(verdict.details.map((d) => d.path)).toEqual(paths);
    if (verdict.kind === 'approval') expect(verdict.chain).toBe('big-deal');
  });
});
