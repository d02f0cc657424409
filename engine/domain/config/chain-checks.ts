import { checkCalendar, type Calendar } from '../calendar/business.js';
import { isZeroDuration, parseIsoDuration, type Duration } from '../calendar/duration.js';
import { DomainError, joinPointer } from '../errors.js';
import { checkCelAt, checkField, report, type BundleContext, type EntityInfo } from './context.js';
import { entriesOf, isObj, itemsOf, type Obj } from './json-reading.js';

/**
 * Publish-time checks of the approval-chain features of docs/approvals.md that a meta-schema cannot express:
 * approver specs that read the record (field, managerOf.field, expression), references to earlier steps,
 * step timeouts (durations, calendars) and the business calendars themselves.
 */

/** Record-dependent parts of one approver spec (roles are checked by checkRole). */
function approverSpec(ctx: BundleContext, spec: unknown, path: string, entity: EntityInfo | null | undefined, first: boolean): void {
  if (!isObj(spec)) return;
  checkField(ctx, entity, spec.field, joinPointer(path, 'field'));
  checkCelAt(ctx, spec.expression, joinPointer(path, 'expression'), entity);
  if (isObj(spec.managerOf)) checkField(ctx, entity, spec.managerOf.field, joinPointer(path, 'managerOf', 'field'));
  if (first && spec.managerOf === 'approver') {
    const message = 'managerOf "approver" in the first step has no approver to start from (use it in a later step or in timeout.to)';
    report(ctx, 'NO_PREVIOUS_STEP', joinPointer(path, 'managerOf'), message);
  }
}

function approverSpecs(ctx: BundleContext, specs: unknown, path: string, entity: EntityInfo | null | undefined, first: boolean): void {
  if (Array.isArray(specs)) specs.forEach((spec, j) => approverSpec(ctx, spec, joinPointer(path, j), entity, first));
  else approverSpec(ctx, specs, path, entity, first);
}

export function duration(ctx: BundleContext, text: unknown, path: string, onCalendar: boolean): void {
  if (typeof text !== 'string') return;
  let d: Duration;
  try {
    d = parseIsoDuration(text, path);
  } catch (error) {
    if (error instanceof DomainError) return; // the meta-schema's format: duration already reported it
    throw error;
  }
  if (isZeroDuration(d)) report(ctx, 'INVALID_DURATION', path, `"${text}" is zero: a timeout needs a positive duration`);
  else if (onCalendar && (d.years || d.months || d.weeks)) {
    const message = `"${text}": on a business calendar a duration may use only days, hours, minutes and seconds`;
    report(ctx, 'INVALID_DURATION', path, message);
  }
}

function timeout(ctx: BundleContext, value: unknown, path: string, entity: EntityInfo | null | undefined): void {
  if (!isObj(value)) return;
  const calendars = isObj(ctx.bundle.calendars) ? ctx.bundle.calendars : null;
  const name = value.calendar;
  if (typeof name === 'string' && calendars && !Object.hasOwn(calendars, name)) {
    report(ctx, 'UNKNOWN_CALENDAR', joinPointer(path, 'calendar'), `calendar "${name}" is not defined in calendars`);
  }
  duration(ctx, value.after, joinPointer(path, 'after'), typeof name === 'string');
  duration(ctx, value.remindEvery, joinPointer(path, 'remindEvery'), typeof name === 'string');
  approverSpec(ctx, value.to, joinPointer(path, 'to'), entity, false);
}

/** The chain features of issue 4; called by references.ts for every chain. */
export function checkChainFeatures(ctx: BundleContext, chain: Obj, path: string, entity: EntityInfo | null | undefined): void {
  itemsOf(chain.steps).forEach((step, i) => {
    if (!isObj(step)) return;
    const at = joinPointer(path, 'steps', i);
    approverSpecs(ctx, step.approvers, joinPointer(at, 'approvers'), entity, i === 0);
    if (i === 0 && step.onReject === 'previous') {
      report(ctx, 'NO_PREVIOUS_STEP', joinPointer(at, 'onReject'), 'onReject "previous" in the first step: there is no previous step');
    }
    timeout(ctx, step.timeout, joinPointer(at, 'timeout'), entity);
    quorum(ctx, step, at);
  });
  const update = chain.onChangesRequested;
  if (isObj(update)) {
    for (const [field] of entriesOf(update.set)) checkField(ctx, entity, field, joinPointer(path, 'onChangesRequested', 'set', field));
  }
}

/**
 * A `kOfN` quorum larger than the step's approvers can never be met. Only a step of named users has a count known at
 * publish; roles, groups and managers are resolved when the step opens (and checked again then).
 */
function quorum(ctx: BundleContext, step: Obj, at: string): void {
  const mode = step.mode;
  if (!isObj(mode) || typeof mode.kOfN !== 'number') return;
  const specs = Array.isArray(step.approvers) ? step.approvers : [step.approvers];
  if (!specs.every((s) => isObj(s) && typeof s.user === 'string')) return;
  const users = new Set(specs.map((s) => (s as { user: string }).user));
  if (mode.kOfN > users.size) {
    report(ctx, 'QUORUM_UNREACHABLE', joinPointer(at, 'mode', 'kOfN'), `${mode.kOfN} approvals are required but the step names only ${users.size} approver(s)`);
  }
}

/** Each business calendar of the bundle: periods, offset and holidays that the meta-schema cannot judge. */
export function checkCalendars(ctx: BundleContext): void {
  for (const [name, calendar] of entriesOf(ctx.bundle.calendars)) {
    if (!isObj(calendar)) continue;
    for (const problem of checkCalendar(calendar as Calendar)) {
      report(ctx, 'INVALID_CALENDAR', joinPointer('/calendars', name) + problem.path, problem.message);
    }
  }
}
