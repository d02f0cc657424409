import type { DecisionRule, DecisionTable } from '../config/process-types.js';

export interface TableResult {
  /** Indexes of the rules that decided, in rule order. */
  matched: number[];
  /** The decided output: one rule's output, the list of outputs (`collect`), or their fold (`collect` + aggregate). */
  output: unknown;
  goto?: string;
}

export class DecisionTableError extends Error {
  constructor(readonly code: 'DECISION_NOT_UNIQUE' | 'DECISION_AGGREGATE_NOT_NUMERIC', message: string) {
    super(message);
  }
}

/**
 * Applies a decision table's hit policy (DMN's first / unique / priority / collect with sum, count, min, max).
 * `holds` tells whether a rule's condition holds; no matching rule gives output null and no goto.
 */
export function decideTable(table: DecisionTable, holds: (rule: DecisionRule, index: number) => boolean): TableResult {
  const matched: number[] = [];
  for (let i = 0; i < table.rules.length; i++) {
    if (holds(table.rules[i], i)) {
      matched.push(i);
      if (table.hitPolicy === 'first') break;
    }
  }
  if (!matched.length) return { matched, output: table.hitPolicy === 'collect' && !table.aggregate ? [] : table.aggregate === 'count' ? 0 : null };
  switch (table.hitPolicy) {
    case 'first':
      return single(table, matched[0]);
    case 'unique':
      if (matched.length > 1) throw new DecisionTableError('DECISION_NOT_UNIQUE', `rules ${matched.join(', ')} all match a table with hit policy unique`);
      return single(table, matched[0]);
    case 'priority': {
      const best = matched.reduce((a, b) => ((table.rules[b].priority ?? 0) > (table.rules[a].priority ?? 0) ? b : a));
      return { ...single(table, best), matched: [best] };
    }
    case 'collect':
      return { matched, output: collect(table, matched.map((i) => table.rules[i].output)) };
  }
}

function single(table: DecisionTable, index: number): TableResult {
  const rule = table.rules[index];
  return { matched: [index], output: rule.output ?? null, ...(rule.goto ? { goto: rule.goto } : {}) };
}

function collect(table: DecisionTable, outputs: unknown[]): unknown {
  if (!table.aggregate) return outputs;
  if (table.aggregate === 'count') return outputs.length;
  const numbers = outputs.map((o) => {
    if (typeof o !== 'number') throw new DecisionTableError('DECISION_AGGREGATE_NOT_NUMERIC', `${table.aggregate} needs numeric outputs, got ${JSON.stringify(o)}`);
    return o;
  });
  if (table.aggregate === 'sum') return numbers.reduce((a, b) => a + b, 0);
  return table.aggregate === 'min' ? Math.min(...numbers) : Math.max(...numbers);
}
