import { describe, expect, it } from 'vitest';
import {
  changedFields,
  previousApplicableStep,
  recordChangeAction,
  replanSteps,
  restartRequired,
  type ChainStep,
  type StepPlan,
} from '../../engine/domain/approval/index.js';

const steps: ChainStep[] = [
  { id: 'branch', when: 'record.discountPercent > 10.0', approvers: { managerOf: 'requester' } },
  { id: 'region', when: 'record.discountPercent > 20.0 || record.total > 500000.0', approvers: { role: 'regional_director' } },
  { id: 'head-office', when: 'record.discountPercent > 30.0', approvers: [{ role: 'head_office' }, { role: 'finance' }], mode: 'all' },
];

const applying = (plan: StepPlan[]) => plan.filter((p) => p.applies).map((p) => p.stepId);

describe('replanSteps', () => {
  it('reevaluate: completed steps stay, remaining steps follow the new record', () => {
    const plan = replanSteps(steps, { discountPercent: 35, total: 1000 }, 'sales1', ['branch'], 'reevaluate');
    expect(plan[0]).toEqual({ stepId: 'branch', applies: true, reason: 'completed before the record changed', completed: true });
    expect(applying(plan)).toEqual(['branch', 'region', 'head-office']);
  });

  it('reevaluate: a completed step stays completed even if its condition is now false', () => {
    const plan = replanSteps(steps, { discountPercent: 5, total: 600000 }, 'sales1', ['branch'], 'reevaluate');
    expect(plan.map((p) => [p.stepId, p.applies, p.completed ?? false])).toEqual([
      ['branch', true, true],
      ['region', true, false],
      ['head-office', false, false],
    ]);
  });

  it('reevaluate: a remaining step can drop out', () => {
    const plan = replanSteps(steps, { discountPercent: 12, total: 1000 }, 'sales1', ['branch'], 'reevaluate');
    expect(applying(plan)).toEqual(['branch']);
  });

  it('restart: a fresh plan; completed steps count for nothing', () => {
    const plan = replanSteps(steps, { discountPercent: 25, total: 1000 }, 'sales1', ['branch'], 'restart');
    expect(plan.some((p) => p.completed)).toBe(false);
    expect(applying(plan)).toEqual(['branch', 'region']);
  });

  it('continue: the previous plan unchanged', () => {
    const previous: StepPlan[] = [{ stepId: 'branch', applies: true, reason: 'x' }];
    expect(replanSteps(steps, { discountPercent: 50, total: 1 }, 'sales1', [], 'continue', previous)).toBe(previous);
    expect(() => replanSteps(steps, {}, 'sales1', [], 'continue')).toThrow(/keeps the previous plan/);
  });

  it('an unknown policy is VALIDATION_FAILED', () => {
    expect(() => replanSteps(steps, {}, 'sales1', [], 'redo' as 'restart')).toThrow(/unknown onRecordChange policy "redo"/);
  });
});

describe('record changes', () => {
  const before = { customerName: 'ACME', discountPercent: 12, lines: [{ product: 'a', quantity: 1 }], status: 'pending_approval' };

  it('changedFields compares JSON values deeply', () => {
    expect(changedFields(before, structuredClone(before))).toEqual([]);
    expect(changedFields(before, { ...before, lines: [{ product: 'a', quantity: 2 }] })).toEqual(['lines']);
    expect(changedFields(before, { ...before, note: 'x', discountPercent: 13 })).toEqual(['discountPercent', 'note']);
    expect(changedFields({ a: [1, 2] }, { a: { 0: 1, 1: 2 } })).toEqual(['a']);
    expect(changedFields({ a: null }, { a: undefined })).toEqual(['a']);
  });

  it.each([
    ['continue', { ...before, discountPercent: 20 }, [], 'continue', false],
    ['reevaluate', { ...before, discountPercent: 20 }, [], 'reevaluate', false],
    ['restart', { ...before, discountPercent: 20 }, [], 'restart', true],
    ['restart', { ...before, status: 'approved' }, ['status'], 'none', false],
    ['restart', before, [], 'none', false],
  ] as const)('%s after %o (ignoring %o) -> %s', (policy, after, ignore, action, restart) => {
    expect(recordChangeAction(policy, before, after, [...ignore]).action).toBe(action);
    expect(restartRequired(policy, before, after, [...ignore])).toBe(restart);
  });
});

describe('previousApplicableStep', () => {
  const plan: StepPlan[] = [
    { stepId: 'a', applies: true, reason: '' },
    { stepId: 'b', applies: false, reason: '' },
    { stepId: 'c', applies: true, reason: '' },
  ];
  it.each([
    ['c', 'a'],
    ['b', 'a'],
    ['a', null],
    ['zzz', null],
  ])('before %s is %s', (stepId, expected) => {
    expect(previousApplicableStep(plan, stepId)).toBe(expected);
  });
});
