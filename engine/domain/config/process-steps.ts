import type { Ajv2020 } from 'ajv/dist/2020.js';
import { joinPointer } from '../errors.js';
import { allowExtensionKeywords, createAjv, ENTITY_SCHEMA_OPTIONS } from './ajv-support.js';
import type { CelExpectation } from './cel-check.js';
import { celTypeOfField, processEnvironment } from './cel-types.js';
import { approverSpec, checkDuration, taskSpecs } from './chain-checks.js';
import { checkCalendarRef, checkChainRef, checkField, checkRole, report, type BundleContext, type EntityInfo } from './context.js';
import { entriesOf, fieldSchemas, isObj, itemsOf, type Obj } from './json-reading.js';
import type { ProcessCheck } from './process-checks.js';
import type { StepType } from './process-types.js';
import { checkSchemaSafety } from './schema-limits.js';
import { checkNamedScorecard, checkScorecard } from './scorecard-checks.js';

/** The checks of one step type; `block` holds the ids of the steps of the step's own block. */
type StepCheck = (p: ProcessCheck, step: Obj, at: string, block: Set<string>) => void;

/** Record metadata that a notification may address besides the entity's own fields. */
const metadataUserFields = new Set(['createdBy', 'updatedBy']);

/** Decision tables named by decision steps, per bundle under check: their rule conditions are typed there. */
export const tablesUsed = new WeakMap<BundleContext, Set<string>>();

/** What every step may carry (`when`, `next`, `boundary`), then the checks of its type. */
export function checkStep(p: ProcessCheck, step: Obj, at: string, block: Set<string>): void {
  p.cel(step.when, joinPointer(at, 'when'), 'bool');
  p.target(step.next, joinPointer(at, 'next'), block);
  itemsOf(step.boundary).forEach((boundary, i) => {
    if (!isObj(boundary)) return;
    const bat = joinPointer(at, 'boundary', i);
    p.cel(boundary.correlate, joinPointer(bat, 'correlate'), 'bool');
    p.cel(boundary.until, joinPointer(bat, 'until'), 'date');
    checkCalendarRef(p.ctx, boundary.calendar, joinPointer(bat, 'calendar'));
    checkDuration(p.ctx, boundary.after, joinPointer(bat, 'after'), typeof boundary.calendar === 'string', true);
    p.target(boundary.goto, joinPointer(bat, 'goto'), block);
  });
  const type = String(step.type);
  if (Object.hasOwn(stepChecks, type)) stepChecks[type as StepType](p, step, at, block);
}

const stepChecks = {
  task: checkTask,
  approval: (p, step, at) => checkChainRef(p.ctx, step.chain, joinPointer(at, 'chain'), p.process.entity),
  action: checkAction,
  decision: checkDecision,
  wait: checkWait,
  event: (p, step, at, block) => {
    p.cel(step.correlate, joinPointer(at, 'correlate'), 'bool');
    checkDuration(p.ctx, step.timeout, joinPointer(at, 'timeout'), false, true);
    p.target(step.onTimeout, joinPointer(at, 'onTimeout'), block);
  },
  parallel: (p, step, at) => {
    const branches = itemsOf(step.branches).length;
    if (typeof step.join === 'number' && step.join > branches) {
      const message = `join ${step.join} waits for more branches than the step has (${branches})`;
      report(p.ctx, 'INVALID_STEP', joinPointer(at, 'join'), message);
    }
  },
  loop: (p, step, at) => p.cel(step.until, joinPointer(at, 'until'), 'bool'),
  subprocess: (p, step, at) => {
    processRef(p, step, at);
    p.cel(step.record, joinPointer(at, 'record'), 'id');
  },
  end: () => {},
} satisfies Record<StepType, StepCheck>;

/**
 * The process a subprocess or startProcess step starts: it must exist, and one of another entity needs `record`
 * (the default, this record, is of the wrong entity).
 */
function processRef(p: ProcessCheck, step: Obj, at: string): void {
  const name = step.process;
  const processes = isObj(p.ctx.bundle.processes) ? p.ctx.bundle.processes : {};
  if (typeof name !== 'string') return;
  const path = joinPointer(at, 'process');
  const target = Object.hasOwn(processes, name) ? processes[name] : undefined;
  if (target === undefined) report(p.ctx, 'UNKNOWN_PROCESS', path, `process "${name}" is not defined`);
  else if (isObj(target) && typeof target.entity === 'string' && target.entity !== p.process.entity && step.record === undefined) {
    const message = `process "${name}" runs on "${target.entity}" records: name the record it starts on with record (a CEL id)`;
    report(p.ctx, 'INVALID_STEP', path, message);
  }
}

function specs(p: ProcessCheck, value: unknown, path: string): void {
  taskSpecs(p.ctx, value, path, p.entity);
}

function checkTask(p: ProcessCheck, step: Obj, at: string): void {
  specs(p, step.assignee, joinPointer(at, 'assignee'));
  specs(p, step.candidates, joinPointer(at, 'candidates'));
  if (isObj(step.rule)) checkRole(p.ctx, step.rule, joinPointer(at, 'rule'));
  const seen = new Set<unknown>();
  itemsOf(step.outcomes).forEach((outcome, i) => {
    if (seen.has(outcome)) report(p.ctx, 'DUPLICATE_VALUE', joinPointer(at, 'outcomes', i), `outcome "${String(outcome)}" is listed twice`);
    seen.add(outcome);
  });
  checkCalendarRef(p.ctx, step.calendar, joinPointer(at, 'calendar'));
  checkDuration(p.ctx, step.due, joinPointer(at, 'due'), typeof step.calendar === 'string', true);
  if (isObj(step.accept)) {
    checkCalendarRef(p.ctx, step.accept.calendar, joinPointer(at, 'accept', 'calendar'));
    checkDuration(p.ctx, step.accept.within, joinPointer(at, 'accept', 'within'), typeof step.accept.calendar === 'string', true);
  }
  const form = isObj(step.form) ? checkFormSchema(p.ctx, step.form.schema, joinPointer(at, 'form', 'schema')) : undefined;
  const environment = processEnvironment(p.entity?.definition, { ...p.scope, form });
  for (const [field, expression] of entriesOf(step.outputs)) {
    const out = joinPointer(at, 'outputs', field);
    checkField(p.ctx, p.entity, field, out);
    fitsField(p, p.entity, field, p.cel(expression, out, undefined, { environment, form }), out);
  }
}

/** One ajv for the forms of a bundle: a fresh instance costs about 9 ms before its first compile. */
const formAjvs = new WeakMap<BundleContext, Ajv2020>();

function formAjv(ctx: BundleContext): Ajv2020 {
  const ajv = formAjvs.get(ctx) ?? createAjv(ENTITY_SCHEMA_OPTIONS);
  formAjvs.set(ctx, ajv);
  return ajv;
}

/**
 * A task's form schema, as strict as an entity schema: limits and vocabulary first (schema-limits.ts), then an
 * ajv strict compile (INVALID_FORM_SCHEMA). Returns its top-level properties when it is sound (to type `form`).
 */
function checkFormSchema(ctx: BundleContext, schema: unknown, path: string): Obj | undefined {
  if (!isObj(schema)) return undefined;
  const problems = checkSchemaSafety(schema, path);
  if (problems.length) {
    ctx.errors.push(...problems);
    return undefined;
  }
  try {
    const ajv = formAjv(ctx);
    allowExtensionKeywords(ajv, schema);
    ajv.compile(schema);
  } catch (error) {
    report(ctx, 'INVALID_FORM_SCHEMA', path, (error as Error).message);
    return undefined;
  }
  return fieldSchemas({ schema });
}

const numericCel = new Set(['double', 'int', 'uint']);
const scalarCel = new Set(['string', 'bool', ...numericCel]);

/** A scalar an expression yields must fit the scalar the record field holds (any number fits a number). */
function fitsField(p: ProcessCheck, entity: EntityInfo | null | undefined, field: string, actual: string | undefined, path: string): void {
  if (!entity || actual === undefined || !Object.hasOwn(entity.properties, field)) return;
  const expected = celTypeOfField(entity.properties[field], field);
  if (!scalarCel.has(expected) || !scalarCel.has(actual)) return;
  if (actual !== expected && !(numericCel.has(actual) && numericCel.has(expected))) {
    report(p.ctx, 'INVALID_EXPRESSION', path, `the expression yields ${actual}, but field "${field}" holds ${expected}`);
  }
}

/** `{expr}` values are CEL over the process's context; literal values are written as they are. */
function values(p: ProcessCheck, assignments: unknown, path: string, fieldsOf: EntityInfo | null | undefined): void {
  for (const [field, value] of entriesOf(assignments)) {
    const at = joinPointer(path, field);
    checkField(p.ctx, fieldsOf, field, at);
    if (!isObj(value) || Object.keys(value).length !== 1 || !('expr' in value)) continue;
    const expr = joinPointer(at, 'expr');
    fitsField(p, fieldsOf, field, p.cel(value.expr, expr), expr);
  }
}

function checkAction(p: ProcessCheck, step: Obj, at: string): void {
  const other = step.action === 'updateRecord' && typeof step.entity === 'string' ? p.ctx.entities.get(step.entity) : undefined;
  values(p, step.set, joinPointer(at, 'set'), step.action === 'updateRecord' ? other : p.entity);
  values(p, step.payload, joinPointer(at, 'payload'), undefined);
  if (isObj(step.to)) {
    const to = joinPointer(at, 'to');
    checkRole(p.ctx, step.to, to);
    if (typeof step.to.field === 'string') checkField(p.ctx, p.entity, step.to.field, joinPointer(to, 'field'), metadataUserFields);
    else approverSpec(p.ctx, step.to, to, p.entity, false);
  }
  if (typeof step.entity === 'string') {
    const entityPath = joinPointer(at, 'entity');
    if (!p.ctx.entities.has(step.entity)) report(p.ctx, 'UNKNOWN_ENTITY', entityPath, `entity "${step.entity}" is not defined`);
    values(p, step.data, joinPointer(at, 'data'), p.ctx.entities.get(step.entity));
  }
  if (step.action === 'updateRecord' || step.action === 'readRecord') p.cel(step.record, joinPointer(at, 'record'), 'id');
  if (step.action === 'startProcess') {
    processRef(p, step, at);
    p.cel(step.record, joinPointer(at, 'record'), 'id');
  }
  const cel = (expression: unknown, path: string, expect?: CelExpectation) => void p.cel(expression, path, expect);
  if (isObj(step.scorecard)) checkScorecard(p.ctx, step.scorecard, joinPointer(at, 'scorecard'), cel);
  else if (typeof step.scorecard === 'string') checkNamedScorecard(p.ctx, step.scorecard, joinPointer(at, 'scorecard'), cel);
  for (const [key, field] of entriesOf(step.into)) {
    if (typeof field === 'string') checkField(p.ctx, p.entity, field, joinPointer(at, 'into', key));
  }
}

function checkDecision(p: ProcessCheck, step: Obj, at: string, block: Set<string>): void {
  itemsOf(step.branches).forEach((branch, j) => {
    if (!isObj(branch)) return;
    p.cel(branch.when, joinPointer(at, 'branches', j, 'when'), 'bool');
    p.target(branch.goto, joinPointer(at, 'branches', j, 'goto'), block);
  });
  p.target(step.otherwise, joinPointer(at, 'otherwise'), block);
  if (step.branches !== undefined && step.table !== undefined) {
    report(p.ctx, 'INVALID_STEP', joinPointer(at, 'table'), 'a decision has either branches or a table, not both');
  }
  if (isObj(step.table)) {
    const path = joinPointer(at, 'table');
    checkTableSettings(p.ctx, step.table, path);
    itemsOf(step.table.rules).forEach((rule, i) => {
      if (!isObj(rule)) return;
      p.cel(rule.when, joinPointer(path, 'rules', i, 'when'), 'bool');
      p.target(rule.goto, joinPointer(path, 'rules', i, 'goto'), block);
    });
  } else if (typeof step.table === 'string') {
    namedTable(p, step.table, joinPointer(at, 'table'), block);
  }
}

/** A table of `decisionTables`: its rules' conditions typed for this process, their jumps landing in this block. */
function namedTable(p: ProcessCheck, name: string, at: string, block: Set<string>): void {
  const tables = isObj(p.ctx.bundle.decisionTables) ? p.ctx.bundle.decisionTables : {};
  if (!Object.hasOwn(tables, name)) {
    report(p.ctx, 'UNKNOWN_DECISION_TABLE', at, `decision table "${name}" is not defined in decisionTables`);
    return;
  }
  const used = tablesUsed.get(p.ctx) ?? new Set<string>();
  tablesUsed.set(p.ctx, used.add(name));
  const table = tables[name];
  if (!isObj(table)) return;
  itemsOf(table.rules).forEach((rule, i) => {
    if (!isObj(rule)) return;
    p.cel(rule.when, joinPointer('/decisionTables', name, 'rules', i, 'when'), 'bool');
    if (typeof rule.goto === 'string' && !block.has(rule.goto)) {
      report(p.ctx, 'UNKNOWN_STEP', at, `rule ${i} of decision table "${name}" jumps to "${rule.goto}", which is not a step of this block`);
    }
  });
}

/** Settings of a decision table, inline or named. */
export function checkTableSettings(ctx: BundleContext, table: Obj, path: string): void {
  if (table.aggregate !== undefined && table.hitPolicy !== 'collect') {
    const message = `aggregate folds the outputs of hit policy "collect", not "${String(table.hitPolicy)}"`;
    report(ctx, 'INVALID_STEP', joinPointer(path, 'aggregate'), message);
  }
  if (table.hitPolicy !== 'priority') return;
  itemsOf(table.rules).forEach((rule, i) => {
    if (isObj(rule) && typeof rule.priority !== 'number') {
      report(ctx, 'INVALID_STEP', joinPointer(path, 'rules', i, 'priority'), 'hit policy "priority" needs a priority on every rule');
    }
  });
}

function checkWait(p: ProcessCheck, step: Obj, at: string): void {
  if (step.for !== undefined && step.until !== undefined) {
    report(p.ctx, 'INVALID_STEP', joinPointer(at, 'until'), 'a wait runs for a duration or until a date, not both');
  }
  checkCalendarRef(p.ctx, step.calendar, joinPointer(at, 'calendar'));
  checkDuration(p.ctx, step.for, joinPointer(at, 'for'), typeof step.calendar === 'string', true);
  p.cel(step.until, joinPointer(at, 'until'), 'date');
}
