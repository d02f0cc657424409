import { describe, expect, it } from 'vitest';
import { readBundleFolder, starterPackDir } from '../../engine/config-folder.js';
import type { EntityRule } from '../../engine/domain/config/types.js';
import { ruleReferences } from '../../engine/domain/records/rule-scope.js';
import { evaluateRules, type RuleInput } from '../../engine/domain/records/rules.js';

const { bundle } = await readBundleFolder(starterPackDir);
const entities = bundle.entities as Record<string, { rules?: EntityRule[] }>;
const contractRules = entities.contract.rules ?? [];
const leadRules = entities.lead.rules ?? [];

function input(over: Partial<RuleInput>): RuleInput {
  return { on: 'create', record: {}, actor: 'sales1', now: '2026-03-01T00:00:00.000Z', references: {}, ...over };
}

const order = (amount: number, paymentTerm = 'credit') => ({ customer: '00000000-0000-4000-8000-000000000001', amount, paymentTerm });

describe('the starter contract rules (C-30)', () => {
  it.each([
    ['above the line', order(600_000), { creditLine: 500_000, state: 'active' }, ['credit-line-exceeded']],
    ['exactly the line', order(500_000), { creditLine: 500_000, state: 'active' }, []],
    ['below the line', order(100), { creditLine: 500_000 }, []],
    ['above the line, paid before shipping', order(600_000, 'prepay'), { creditLine: 500_000 }, []],
    ['no line granted', order(600_000), { state: 'active' }, []],
    ['blacklisted', order(100), { creditLine: 500_000, state: 'blacklisted' }, ['blacklisted-customer']],
    ['blacklisted and above the line', order(900_000), { creditLine: 500_000, state: 'blacklisted' }, ['credit-line-exceeded', 'blacklisted-customer']],
    ['customer record not readable', order(900_000), {}, []],
    ['open receivables plus the order above the line', order(35_000), { creditLine: 100_000 }, ['credit-line-exceeded'], 70_000],
    ['open receivables plus the order within the line', order(25_000), { creditLine: 100_000 }, [], 70_000],
    ['open receivables plus the order exactly the line', order(30_000), { creditLine: 100_000 }, [], 70_000],
  ])('%s', (_name, record, customer, fired, openReceivables = 0) => {
    const aggregates = { 'credit-line-exceeded': { openReceivables } };
    const outcome = evaluateRules(contractRules, input({ record, references: { customer }, aggregates }), '/data');
    expect(outcome.errors).toEqual([]);
    expect(outcome.warnings.map((w) => w.rule)).toEqual(fired);
    for (const w of outcome.warnings) {
      expect(w.code).toBe('RULE_WARNING');
      expect(w.path).toBe(w.rule === 'credit-line-exceeded' ? '/data/amount' : '/data/customer');
      expect(w.messages.zh).toBeTruthy();
    }
  });

  it('warn at creation only', () => {
    const outcome = evaluateRules(contractRules, input({ on: 'update', record: order(900_000), previous: order(1), references: { customer: { creditLine: 1, state: 'blacklisted' } } }));
    expect(outcome).toEqual({ errors: [], warnings: [] });
  });

  it('reports the line rule as not evaluated when its aggregate is missing, instead of firing it', () => {
    const outcome = evaluateRules(contractRules, input({ record: order(900_000), references: { customer: { creditLine: 1 } } }));
    expect(outcome.warnings).toEqual([expect.objectContaining({ code: 'RULE_NOT_EVALUATED', rule: 'credit-line-exceeded' })]);
  });
});

describe('evaluateRules', () => {
  const rule = (over: Partial<EntityRule>): EntityRule => ({ id: 'r', when: 'true', severity: 'error', message: { en: 'no', zh: '不' }, path: '/x', ...over });

  it('refuses with an error detail at the rule path when an error rule fires', () => {
    expect(evaluateRules(leadRules, input({ record: { status: 'converted', intention: false } }), '/data')).toEqual({
      errors: [{ path: '/data/intention', message: 'Only a lead with initial intention converts to an opportunity (P-02)', code: 'RULE_VIOLATED' }],
      warnings: [],
    });
    expect(evaluateRules(leadRules, input({ record: { status: 'converted', intention: true } })).errors).toEqual([]);
    expect(evaluateRules(leadRules, input({ record: { status: 'qualified' } })).errors).toEqual([]);
  });

  it('reads previous on updates and runs a rule on the writes its `on` names', () => {
    const shrink = rule({ when: 'record.x < previous.x', on: ['update'] });
    expect(evaluateRules([shrink], input({ on: 'update', record: { x: 1 }, previous: { x: 2 } })).errors).toHaveLength(1);
    expect(evaluateRules([shrink], input({ on: 'update', record: { x: 3 }, previous: { x: 2 } })).errors).toHaveLength(0);
    expect(evaluateRules([shrink], input({ on: 'create', record: { x: 1 } })).errors).toHaveLength(0);
  });

  it('reads actor and now', () => {
    const r = rule({ when: "actor == 'sales1' && now > '2026-01-01'" });
    expect(evaluateRules([r], input({})).errors).toHaveLength(1);
    expect(evaluateRules([r], input({ actor: 'sales2' })).errors).toHaveLength(0);
  });

  it('reports a rule it cannot evaluate as a RULE_NOT_EVALUATED warning and does not fire it', () => {
    const outcome = evaluateRules([rule({ id: 'reads-missing', when: 'record.missing > 1.0' })], input({ record: {} }));
    expect(outcome.errors).toEqual([]);
    expect(outcome.warnings).toEqual([expect.objectContaining({ code: 'RULE_NOT_EVALUATED', rule: 'reads-missing', path: '/x' })]);
  });

  it('fires only on true (a non-boolean result is no firing)', () => {
    expect(evaluateRules([rule({ when: '1' })], input({})).errors).toEqual([]);
  });
});

describe('ruleReferences', () => {
  it('exposes reference fields under their names, except rule variables and non-identifiers', () => {
    const definition = {
      schema: {
        type: 'object', properties: {
          customer: { type: 'string', 'x-type': 'reference', 'x-ref': 'customer' },
          record: { type: 'string', 'x-type': 'reference', 'x-ref': 'customer' },
          'odd-name': { type: 'string', 'x-type': 'reference', 'x-ref': 'customer' },
          in: { type: 'string', 'x-type': 'reference', 'x-ref': 'customer' },
          name: { type: 'string' },
        },
      },
    };
    expect([...ruleReferences(definition)]).toEqual([['customer', 'customer']]);
    expect([...ruleReferences(entities.contract)]).toEqual([['customer', 'customer'], ['quote', 'quote'], ['opportunity', 'opportunity']]);
  });
});
