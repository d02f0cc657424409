import type { CelContext } from '../../../engine/domain/cel.js';
import type { ValueSpec } from '../../../engine/domain/config/process-types.js';
import type { ProcessRun } from '../run.js';

function isExpression(value: ValueSpec): value is { expr: string } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as { expr?: unknown }).expr === 'string';
}

/** Literal values stay as they are; `{expr}` values are computed by CEL now. */
export function resolveValues(run: ProcessRun, values: Record<string, ValueSpec>, context: CelContext, where: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([field, value]) => [
    field, isExpression(value) ? run.evaluate(value.expr, context, `${where} /${field}`) : value,
  ]));
}

export function usesExpressions(values: Record<string, ValueSpec> | undefined): boolean {
  return Object.values(values ?? {}).some(isExpression);
}
