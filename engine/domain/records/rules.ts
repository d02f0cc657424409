import { Environment } from '@marcbachmann/cel-js';
import { celLimits, toPlain } from '../cel.js';
import type { EntityRule, LocalizedText } from '../config/types.js';
import type { ErrorDetail } from '../errors.js';
import { RULE_VARIABLES } from './rule-scope.js';

/** A warning rule that fired on a write: the write is stored, the warning is returned with it and notified. */
export interface RuleWarning {
  code: 'RULE_WARNING' | 'RULE_NOT_EVALUATED';
  rule: string;
  /** The English message; `messages` has every locale the rule gives. */
  message: string;
  messages: LocalizedText;
  path: string;
}

export interface RuleInput {
  on: 'create' | 'update';
  record: Record<string, unknown>;
  /** The data before an update; absent on create. */
  previous?: Record<string, unknown>;
  actor: string;
  /** ISO instant of the write. */
  now: string;
  /** The referenced records' data by reference field (an empty object when the field is empty). */
  references: Record<string, Record<string, unknown>>;
  /** Per rule id, the values of the rule's `aggregates` (rule-aggregates.ts), computed for this write. */
  aggregates?: Record<string, Record<string, number>>;
}

export interface RuleOutcome {
  /** Error rules that fired: the write is refused with these (code RULE_VIOLATED). */
  errors: ErrorDetail[];
  warnings: RuleWarning[];
}

const environments = new Map<string, Environment>();

/** An untyped (dyn) environment over the rule variables and the given reference names; publish did the type check. */
function environmentFor(references: string[]): Environment {
  const key = references.join('\u0001');
  let environment = environments.get(key);
  if (!environment) {
    environment = new Environment({ unlistedVariablesAreDyn: false, enableOptionalTypes: true, limits: celLimits });
    for (const name of RULE_VARIABLES) environment = environment.registerVariable(name, name === 'now' ? 'string' : 'dyn');
    for (const name of references) environment = environment.registerVariable(name, 'dyn');
    environments.set(key, environment);
  }
  return environment;
}

const programs = new Map<string, ReturnType<Environment['parse']>>();

function program(environment: Environment, key: string, expression: string) {
  const cacheKey = `${key}\u0002${expression}`;
  let p = programs.get(cacheKey);
  if (!p) {
    p = environment.parse(expression);
    programs.set(cacheKey, p);
  }
  return p;
}

/** Whether the rule runs on this kind of write (default: create and update). */
export function ruleApplies(rule: EntityRule, on: RuleInput['on']): boolean {
  return !rule.on || rule.on.includes(on);
}

/**
 * Runs the rules of a write. A rule fires when its `when` is true: an error rule yields an error detail at
 * `prefix + rule.path`, a warning rule a warning. A rule that cannot be evaluated on this record (a field it reads is
 * absent, say) does not fire; it is reported as a RULE_NOT_EVALUATED warning so that the problem shows.
 */
export function evaluateRules(rules: readonly EntityRule[], input: RuleInput, prefix = ''): RuleOutcome {
  const outcome: RuleOutcome = { errors: [], warnings: [] };
  const names = Object.keys(input.references).sort();
  const environment = environmentFor(names);
  const key = names.join('\u0001');
  const context: Record<string, unknown> = {
    ...input.references, record: input.record, previous: input.previous ?? {}, actor: input.actor, now: input.now,
  };
  for (const rule of rules) {
    if (!ruleApplies(rule, input.on)) continue;
    const path = prefix + rule.path;
    let fired: unknown;
    try {
      fired = toPlain(program(environment, key, rule.when)({ ...context, aggregates: input.aggregates?.[rule.id] ?? {} }));
    } catch (error) {
      const why = String((error as Error).message).split('\n')[0];
      outcome.warnings.push({
        code: 'RULE_NOT_EVALUATED', rule: rule.id, path,
        message: `rule ${rule.id} could not be evaluated: ${why}`, messages: { en: `rule ${rule.id} could not be evaluated: ${why}` },
      });
      continue;
    }
    if (fired !== true) continue;
    if (rule.severity === 'error') outcome.errors.push({ path, message: rule.message.en, code: 'RULE_VIOLATED' });
    else outcome.warnings.push({ code: 'RULE_WARNING', rule: rule.id, message: rule.message.en, messages: rule.message, path });
  }
  return outcome;
}
