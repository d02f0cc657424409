import { describe, expect, it } from 'vitest';
import { decideTable, DecisionTableError } from '../../engine/domain/process/decision-table.js';
import type { DecisionTable } from '../../engine/domain/config/process-types.js';

const rules = [
  { when: 'a', output: 10, goto: 'x', priority: 1 },
  { when: 'b', output: 30, goto: 'y', priority: 5 },
  { when: 'c', output: 20, priority: 3 },
];
const table = (hitPolicy: DecisionTable['hitPolicy'], aggregate?: DecisionTable['aggregate']): DecisionTable => ({ hitPolicy, ...(aggregate ? { aggregate } : {}), rules });
const holding = (...names: string[]) => (rule: { when: string }) => names.includes(rule.when);

describe('decision table hit policies', () => {
  it.each([
    ['first', undefined, ['a', 'b'], { matched: [0], output: 10, goto: 'x' }],
    ['first', undefined, ['c'], { matched: [2], output: 20 }],
    ['first', undefined, [], { matched: [], output: null }],
    ['unique', undefined, ['b'], { matched: [1], output: 30, goto: 'y' }],
    ['unique', undefined, [], { matched: [], output: null }],
    ['priority', undefined, ['a', 'b', 'c'], { matched: [1], output: 30, goto: 'y' }],
    ['priority', undefined, ['a', 'c'], { matched: [2], output: 20 }],
    ['collect', undefined, ['a', 'c'], { matched: [0, 2], output: [10, 20] }],
    ['collect', undefined, [], { matched: [], output: [] }],
    ['collect', 'sum', ['a', 'b', 'c'], { matched: [0, 1, 2], output: 60 }],
    ['collect', 'count', ['a', 'c'], { matched: [0, 2], output: 2 }],
    ['collect', 'count', [], { matched: [], output: 0 }],
    ['collect', 'min', ['b', 'c'], { matched: [1, 2], output: 20 }],
    ['collect', 'max', ['a', 'c'], { matched: [0, 2], output: 20 }],
    ['collect', 'sum', [], { matched: [], output: null }],
  ] as const)('%s %s with %j holding', (policy, aggregate, hold, expected) => {
    expect(decideTable(table(policy, aggregate), holding(...hold))).toEqual(expected);
  });

  it('refuses two matches under unique', () => {
    expect(() => decideTable(table('unique'), holding('a', 'c'))).toThrow(DecisionTableError);
    try {
      decideTable(table('unique'), holding('a', 'c'));
    } catch (error) {
      expect((error as DecisionTableError).code).toBe('DECISION_NOT_UNIQUE');
    }
  });

  it('refuses to fold outputs that are not numbers', () => {
    const words: DecisionTable = { hitPolicy: 'collect', aggregate: 'sum', rules: [{ when: 'a', output: 'ten' }] };
    expect(() => decideTable(words, holding('a'))).toThrow(/numeric/);
  });

  it('stops evaluating at the first match under first', () => {
    const asked: number[] = [];
    decideTable(table('first'), (_rule, i) => (asked.push(i), i === 1));
    expect(asked).toEqual([0, 1]);
  });
});
