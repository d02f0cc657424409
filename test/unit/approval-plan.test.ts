import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  planSteps,
  resolveApprovers,
  type ChainStep,
} from '../../engine/domain/approval/index.js';
import { demo, thrown } from '../support/approval-fixtures.js';

/** The quote-discount chain of docs/config-format.md. */
const quoteChain: ChainStep[] = [
  { id: 'branch', when: 'record.discountPercent > 10.0', approvers: { managerOf: 'requester' }, mode: 'any' },
  { id: 'region', when: 'record.discountPercent > 20.0 || record.total > 500000.0', approvers: { role: 'regional_director' } },
  {
    id: 'head-office',
    when: 'record.discountPercent > 30.0 || record.total > 1000000.0',
    approvers: [{ role: 'head_office' }, { role: 'finance' }],
    mode: 'all',
  },
];

describe('planSteps', () => {
  it('a step without a condition always applies', () => {
    expect(planSteps([{ id: 'only', approvers: { role: 'finance' } }], {})).toEqual([
      { stepId: 'only', applies: true, reason: 'no condition: the step always applies' },
    ]);
  });

  it('records the condition and the reason', () => {
    const steps: ChainStep[] = [
      { id: 'big', when: 'record.total > 100.0', approvers: { role: 'finance' } },
      { id: 'small', when: 'record.total <= 100.0', approvers: { role: 'finance' } },
    ];
    expect(planSteps(steps, { total: 150 })).toEqual([
      { stepId: 'big', applies: true, condition: 'record.total > 100.0', reason: 'condition "record.total > 100.0" is true' },
      {
        stepId: 'small',
        applies: false,
        condition: 'record.total <= 100.0',
        reason: 'condition "record.total <= 100.0" is false: step skipped',
      },
    ]);
  });

  it.each([
    { requester: 'sales1', applies: true },
    { requester: 'sales2', applies: false },
    { requester: { username: 'sales1' }, applies: false },
  ])('passes the requester to the condition ($requester -> $applies)', ({ requester, applies }) => {
    const steps: ChainStep[] = [{ id: 's', when: 'requester == "sales1"', approvers: { role: 'finance' } }];
    expect(planSteps(steps, {}, requester)[0].applies).toBe(applies);
  });

  it('can read fields of a requester object', () => {
    const steps: ChainStep[] = [{ id: 's', when: '"sales_rep" in requester.roles', approvers: { role: 'finance' } }];
    expect(planSteps(steps, {}, { username: 'sales1', roles: ['sales_rep'] })[0].applies).toBe(true);
    expect(planSteps(steps, {}, { username: 'finance', roles: ['finance'] })[0].applies).toBe(false);
  });

  it('returns an empty plan for an empty chain', () => {
    expect(planSteps([], { total: 1 })).toEqual([]);
  });

  const badRows = [
    { name: 'missing field', when: 'record.nope > 1.0', message: /cannot be evaluated: No such key: nope/ },
    { name: 'syntax error', when: 'record.(', message: /cannot be evaluated/ },
    { name: 'non-boolean result', when: 'record.total', message: /yielded number, not a boolean/ },
  ];
  it.each(badRows)('an unevaluable condition is VALIDATION_FAILED at /steps/<i>/when ($name)', ({ when, message }) => {
    const steps: ChainStep[] = [
      { id: 'ok', approvers: { role: 'finance' } },
      { id: 'bad', when, approvers: { role: 'finance' } },
    ];
    const error = thrown(() => planSteps(steps, { total: 5 }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/^step "bad": condition/);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
    expect(error.details[0].path).toBe('/steps/1/when');
  });

  it('rejects duplicate step ids', () => {
    const steps: ChainStep[] = [
      { id: 'a', approvers: { role: 'finance' } },
      { id: 'a', approvers: { role: 'finance' } },
    ];
    const error = thrown(() => planSteps(steps, {}));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details[0].path).toBe('/steps/1/id');
  });
});

describe('quote-discount chain (config-format.md) with the demo organisation', () => {
  const approversOf: Record<string, string[]> = {
    branch: ['branchmgr'],
    region: ['regiondir'],
    'head-office': ['hqvp', 'finance'],
  };
  const rows: { discountPercent: number; total: number; steps: string[] }[] = [
    { discountPercent: 5, total: 1000, steps: [] },
    { discountPercent: 10, total: 1000, steps: [] },
    { discountPercent: 10.5, total: 1000, steps: ['branch'] },
    { discountPercent: 15, total: 1000, steps: ['branch'] },
    { discountPercent: 20, total: 1000, steps: ['branch'] },
    { discountPercent: 25, total: 200000, steps: ['branch', 'region'] },
    { discountPercent: 30, total: 200000, steps: ['branch', 'region'] },
    { discountPercent: 5, total: 500000, steps: [] },
    { discountPercent: 5, total: 500001, steps: ['region'] },
    { discountPercent: 5, total: 600000, steps: ['region'] },
    { discountPercent: 15, total: 600000, steps: ['branch', 'region'] },
    { discountPercent: 35, total: 1000, steps: ['branch', 'region', 'head-office'] },
    { discountPercent: 35, total: 2000000, steps: ['branch', 'region', 'head-office'] },
    { discountPercent: 5, total: 1000000, steps: ['region'] },
    { discountPercent: 5, total: 1200000, steps: ['region', 'head-office'] },
    { discountPercent: 0, total: 1200000, steps: ['region', 'head-office'] },
    { discountPercent: 15, total: 1200000, steps: ['branch', 'region', 'head-office'] },
  ];

  it.each(rows)('$discountPercent% of $total -> $steps', ({ discountPercent, total, steps }) => {
    const record = { customerName: 'ACME', lines: [], discountPercent, total, status: 'pending_approval' };
    const plan = planSteps(quoteChain, record, 'sales1');
    expect(plan.map((p) => p.stepId)).toEqual(['branch', 'region', 'head-office']);
    expect(plan.filter((p) => p.applies).map((p) => p.stepId)).toEqual(steps);
    for (const p of plan) {
      expect(p.condition).toBe(quoteChain.find((s) => s.id === p.stepId)?.when);
      expect(p.reason).toMatch(p.applies ? /is true$/ : /is false: step skipped$/);
    }
    for (const stepId of steps) {
      const step = quoteChain.find((s) => s.id === stepId)!;
      const resolution = resolveApprovers(step.approvers, { directory: demo, requester: 'sales1' });
      expect(resolution.users).toEqual(approversOf[stepId]);
    }
  });

  it('explains the branch step with the requester and the manager', () => {
    expect(resolveApprovers(quoteChain[0].approvers, { directory: demo, requester: 'sales1' }).rules).toEqual([
      { rule: 'managerOf:requester', inputs: { requester: 'sales1', manager: 'branchmgr' }, result: ['branchmgr'] },
    ]);
  });

  it('a quote raised by the branch manager goes to the regional director for the branch step', () => {
    expect(resolveApprovers(quoteChain[0].approvers, { directory: demo, requester: 'branchmgr' }).users).toEqual(['regiondir']);
  });

  it('a quote raised by the regional director cannot be approved in the region step by themselves', () => {
    const error = thrown(() => resolveApprovers(quoteChain[1].approvers, { directory: demo, requester: 'regiondir' }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/held only by the requester regiondir/);
  });
});

describe('engine/domain/approval stays pure', () => {
  const dir = fileURLToPath(new URL('../../engine/domain/approval/', import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

  it('has an index and small files', () => {
    expect(files).toContain('index.ts');
  });

  it.each(files)('%s uses no I/O, Node built-ins, clock or randomness', (file) => {
    const source = readFileSync(dir + file, 'utf8');
    expect(source).not.toMatch(/from ['"]node:/);
    expect(source).not.toMatch(/from ['"](fs|path|os|crypto|child_process|http|https|net)['"]/);
    expect(source).not.toMatch(/\bDate\.now\b|\bnew Date\b|\bMath\.random\b|\bprocess\.|\bfetch\(/);
    const imports = [...source.matchAll(/from ['"]([^'"]+)['"]/g)].map((m) => m[1]);
    for (const spec of imports) expect(spec).toMatch(/^\.\.?\/.*\.js$/);
  });
});
