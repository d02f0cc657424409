import type { Environment } from '@marcbachmann/cel-js';
import { joinPointer } from '../errors.js';
import { checkCelInEnvironment, resultTypeIn, type CelExpectation } from './cel-check.js';
import { processEnvironment, type ProcessScope } from './cel-types.js';
import { cronProblem } from './cron.js';
import { checkCelAt, entityOf, isMalformed, report, type BundleContext, type EntityInfo } from './context.js';
import { entriesOf, isObj, itemsOf, type Obj } from './json-reading.js';
import { blocksOf, checkProcessFlow } from './process-graph.js';
import { checkStep, checkTableSettings, tablesUsed } from './process-steps.js';

/**
 * Publish checks of processes (docs/processes.md) that a meta-schema cannot express, for every step type at any
 * nesting depth. Step ids are unique over the whole process; a jump (`next`, `goto`, `otherwise`, `onTimeout`, a
 * boundary's `goto`) lands in the block of the step that makes it.
 */

/** One process under check: what its step checks need. */
export interface ProcessCheck {
  ctx: BundleContext;
  process: Obj;
  path: string;
  entity: EntityInfo | null | undefined;
  scope: ProcessScope;
  /** Every step id of the process. */
  ids: Set<string>;
  /**
   * Checks an expression (ignored unless a string) against the process's environment, or against `task`'s: the
   * environment of a task step whose `form` is typed from its form fields. Returns the CEL type it yields when it
   * checks (undefined otherwise).
   */
  cel(expression: unknown, path: string, expect?: CelExpectation, task?: { environment: Environment | null; form?: Obj }): string | undefined;
  /** Reports UNKNOWN_STEP unless `stepId` (when a string) is a step of `block`. */
  target(stepId: unknown, path: string, block: Set<string>): void;
}

export function checkProcess(ctx: BundleContext, name: string, process: unknown): void {
  if (!isObj(process)) return;
  const path = joinPointer('/processes', name);
  const entity = entityOf(ctx, process, path);
  const errorsBefore = ctx.errors.length;
  const stepsPath = joinPointer(path, 'steps');
  const blocks = blocksOf(itemsOf(process.steps), stepsPath);
  const ids = uniqueStepIds(ctx, blocks);
  const variables = isObj(process.variables) ? process.variables : undefined;
  for (const [variable] of entriesOf(variables)) {
    if (ids.has(variable)) {
      const message = `variable "${variable}" has the id of a step, whose output is vars.${variable}`;
      report(ctx, 'DUPLICATE_STEP_ID', joinPointer(path, 'variables', variable), message);
    }
  }
  const scope: ProcessScope = { variables, stepIds: [...ids] };
  const environment = processEnvironment(entity?.definition, scope);
  const known = entity ? { name: entity.name, definition: entity.definition } : undefined;
  const declared = variables
    ? { keys: new Set(['outcome', ...ids, ...Object.keys(variables)]), what: 'is not a declared variable nor a step of this process' }
    : undefined;
  const check: ProcessCheck = {
    ctx, process, path, entity, scope, ids,
    cel(expression, at, expect, task) {
      if (typeof expression !== 'string') return undefined;
      const env = task ? task.environment : environment;
      if (!env) {
        checkCelAt(ctx, expression, at, entity, expect);
        return undefined;
      }
      const form = task?.form ? { keys: new Set(Object.keys(task.form)), what: "is not a field of the task's form" } : undefined;
      const problems = checkCelInEnvironment(env, expression, at, known, expect, { vars: declared, form });
      ctx.errors.push(...problems);
      return problems.length ? undefined : resultTypeIn(env, expression);
    },
    target(stepId, at, block) {
      if (typeof stepId !== 'string' || block.has(stepId)) return;
      const message = ids.has(stepId)
        ? `step "${stepId}" is in another block: a jump lands in the block (process, loop or parallel branch) of its step`
        : `no step of this process has the id "${stepId}"`;
      report(ctx, 'UNKNOWN_STEP', at, message);
    },
  };
  triggers(check);
  for (const block of blocks) {
    const blockIds = new Set(block.steps.flatMap((s) => (isObj(s) && typeof s.id === 'string' ? [s.id] : [])));
    block.steps.forEach((step, i) => {
      if (isObj(step)) checkStep(check, step, joinPointer(block.path, i), blockIds);
    });
  }
  // The flow is only analysed once every step id is unique and every jump lands on a step.
  const flowIsSound = !ctx.errors.slice(errorsBefore).some((e) => e.code === 'DUPLICATE_STEP_ID' || e.code === 'UNKNOWN_STEP');
  if (!flowIsSound || isMalformed(ctx, stepsPath)) return;
  for (const block of blocks) ctx.errors.push(...checkProcessFlow(block, (table) => namedTableRules(ctx, table)));
}

/** Ids must be unique over all blocks of the process; each repeat is reported at its `id`. */
function uniqueStepIds(ctx: BundleContext, blocks: { steps: unknown[]; path: string }[]): Set<string> {
  const ids = new Set<string>();
  for (const block of blocks) {
    block.steps.forEach((step, i) => {
      if (!isObj(step) || typeof step.id !== 'string') return;
      if (ids.has(step.id)) {
        const message = `step id "${step.id}" is used more than once in this process (nested blocks included)`;
        report(ctx, 'DUPLICATE_STEP_ID', joinPointer(block.path, i, 'id'), message);
      }
      ids.add(step.id);
    });
  }
  return ids;
}

/** The rules of a decision table of the bundle's `decisionTables` (none when it is missing or malformed). */
export function namedTableRules(ctx: BundleContext, name: string): unknown[] {
  const tables = isObj(ctx.bundle.decisionTables) ? ctx.bundle.decisionTables : {};
  const table = Object.hasOwn(tables, name) ? tables[name] : undefined;
  return isObj(table) ? itemsOf(table.rules) : [];
}

function triggers(p: ProcessCheck): void {
  const value = p.process.trigger;
  const list: [unknown, string][] = Array.isArray(value)
    ? value.map((t, i) => [t, joinPointer(p.path, 'trigger', i)])
    : [[value, joinPointer(p.path, 'trigger')]];
  for (const [trigger, at] of list) {
    if (!isObj(trigger)) continue;
    if (trigger.on === 'create' || trigger.on === 'update') p.cel(trigger.when, joinPointer(at, 'when'), 'bool');
    if (trigger.on === 'schedule') {
      p.cel(trigger.filter, joinPointer(at, 'filter'), 'bool');
      const problem = typeof trigger.cron === 'string' ? cronProblem(trigger.cron) : null;
      if (problem !== null) report(p.ctx, 'INVALID_CRON', joinPointer(at, 'cron'), problem);
    }
    if (trigger.on === 'stage') stageTrigger(p, trigger, at);
  }
}

function stageTrigger(p: ProcessCheck, trigger: Obj, at: string): void {
  if (typeof trigger.pipeline !== 'string') return;
  const pipelines = isObj(p.ctx.bundle.pipelines) ? p.ctx.bundle.pipelines : {};
  const pipeline = Object.hasOwn(pipelines, trigger.pipeline) ? pipelines[trigger.pipeline] : undefined;
  if (!isObj(pipeline)) {
    report(p.ctx, 'UNKNOWN_PIPELINE', joinPointer(at, 'pipeline'), `pipeline "${trigger.pipeline}" is not defined`);
    return;
  }
  if (typeof pipeline.entity === 'string' && typeof p.process.entity === 'string' && pipeline.entity !== p.process.entity) {
    const message = `pipeline "${trigger.pipeline}" moves "${pipeline.entity}" records, not "${p.process.entity}"`;
    report(p.ctx, 'UNKNOWN_PIPELINE', joinPointer(at, 'pipeline'), message);
    return;
  }
  const stages = itemsOf(pipeline.stages).flatMap((s) => (isObj(s) && typeof s.id === 'string' ? [s.id] : []));
  if (typeof trigger.stage === 'string' && !stages.includes(trigger.stage)) {
    report(p.ctx, 'UNKNOWN_STAGE', joinPointer(at, 'stage'), `pipeline "${trigger.pipeline}" has no stage "${trigger.stage}"`);
  }
}

/** The bundle's named decision tables: settings here, rule conditions per process that uses the table. */
export function checkDecisionTables(ctx: BundleContext): void {
  for (const [name, table] of entriesOf(ctx.bundle.decisionTables)) {
    if (!isObj(table)) continue;
    const path = joinPointer('/decisionTables', name);
    checkTableSettings(ctx, table, path);
    // A table no process uses is checked untyped (syntax and result type); the others were typed by their users.
    if (tablesUsed.get(ctx)?.has(name)) continue;
    itemsOf(table.rules).forEach((rule, i) => {
      if (isObj(rule)) checkCelAt(ctx, rule.when, joinPointer(path, 'rules', i, 'when'), undefined, 'bool');
    });
  }
}
