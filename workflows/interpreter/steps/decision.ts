import type { DecisionStep, DecisionTable } from '../../../engine/domain/config/process-types.js';
import { decideTable, DecisionTableError } from '../../../engine/domain/process/decision-table.js';
import { configFailure } from '../run.js';
import type { StepExecutor } from '../executor.js';

/** Branches on CEL conditions, or applies a decision table whose output lands in `vars.<step>`. */
export const runDecision: StepExecutor<DecisionStep> = async (step, { run }) => {
  const context = run.context(await run.record());
  if (step.table !== undefined) {
    const table = tableOf(step.table, run.input.decisionTables, step.id);
    try {
      const result = decideTable(table, (rule, i) => run.holds(rule.when, context, `step ${step.id} rule ${i}`));
      run.vars[step.id] = result.output;
      const target = result.goto ?? step.otherwise;
      run.log(step.id, 'decided', { rules: result.matched, output: result.output as never, goto: target ?? null });
      return target ? { goto: target } : {};
    } catch (error) {
      if (error instanceof DecisionTableError) configFailure(error.code, `step ${step.id}: ${error.message}`);
      throw error;
    }
  }
  const branch = (step.branches ?? []).find((b, i) => run.holds(b.when, context, `step ${step.id} branch ${i}`));
  const target = branch?.goto ?? step.otherwise;
  run.log(step.id, 'decided', { branch: branch?.when ?? 'otherwise', goto: target ?? null });
  return target ? { goto: target } : {};
};

function tableOf(table: DecisionTable | string, named: Record<string, DecisionTable> | undefined, stepId: string): DecisionTable {
  if (typeof table !== 'string') return table;
  const found = named?.[table];
  if (!found) configFailure('UNKNOWN_DECISION_TABLE', `step ${stepId}: decision table "${table}" is not configured`);
  return found;
}
