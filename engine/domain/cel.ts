import { Environment, parse } from '@marcbachmann/cel-js';

/** Variables every expression may use: see docs/configuration.md, "CEL context". */
export interface CelContext {
  record?: Record<string, unknown>;
  previous?: Record<string, unknown>;
  requester?: unknown;
  actor?: unknown;
  now?: string;
  vars?: Record<string, unknown>;
  /** The payload of the business event that woke the step (process steps and boundaries). */
  event?: unknown;
  /** A user task's answers (task outputs). */
  form?: unknown;
}

/** Structural limits applied when an expression is parsed (shared by the typed environments of config/cel-types.ts). */
export const celLimits = { maxAstNodes: 2000, maxDepth: 50, maxListElements: 500, maxMapEntries: 500, maxCallArguments: 16 };

const environment = new Environment({ unlistedVariablesAreDyn: false, enableOptionalTypes: true, limits: celLimits })
  .registerVariable('record', 'dyn')
  .registerVariable('previous', 'dyn')
  .registerVariable('requester', 'dyn')
  .registerVariable('actor', 'dyn')
  .registerVariable('now', 'string')
  .registerVariable('vars', 'dyn')
  .registerVariable('event', 'dyn')
  .registerVariable('form', 'dyn');

const compiled = new Map<string, ReturnType<typeof environment.parse>>();

function program(expression: string) {
  let p = compiled.get(expression);
  if (!p) {
    p = environment.parse(expression);
    compiled.set(expression, p);
  }
  return p;
}

/** CEL integers come back as BigInt: turn them into numbers so results survive JSON and Temporal payloads. */
export function toPlain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toPlain);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toPlain(v)]));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  }
  return value;
}

export function evaluate(expression: string, context: CelContext): unknown {
  return toPlain(program(expression)(context as Record<string, unknown>));
}

/** Evaluates a condition; anything but a boolean result is an error. */
export function evaluateCondition(expression: string, context: CelContext): boolean {
  const result = evaluate(expression, context);
  if (typeof result !== 'boolean') {
    throw new Error(`condition "${expression}" yielded ${typeof result}, not a boolean`);
  }
  return result;
}

/** Parses and type-checks an expression without running it; returns the problem, or null when it is sound. */
export function checkExpression(expression: string): string | null {
  try {
    const p = program(expression);
    const result = p.check();
    if (result && typeof result === 'object' && 'valid' in result && result.valid === false) {
      return String((result as { error?: { message?: string } }).error?.message ?? 'type error');
    }
    return null;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

export { parse as parseCel };
