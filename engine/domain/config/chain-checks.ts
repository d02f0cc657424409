import { checkCalendar, type Calendar } from '../calendar/business.js';
import { isZeroDuration, parseIsoDuration, type Duration } from '../calendar/duration.js';
import { DomainError, joinPointer } from '../errors.js';
import { checkCalendarRef, checkCelAt, checkField, checkRole, report, type BundleContext, type EntityInfo } from './context.js';
import { entriesOf, isObj, itemsOf, type Obj } from './json-reading.js';

/**
 * Publish-time checks of the approval-chain features of docs/approvals.md that a meta-schema cannot express:
 * approver specs that read the record (field, managerOf.field, expression), references to earlier steps,
 * step timeouts (durations, calendars) and the business calendars themselves.
 */

/** Record-dependent parts of one approver spec (roles are checked by checkRole). */
export function approverSpec(ctx: BundleContext, spec: unknown, path: string, entity: EntityInfo | null | undefined, first: boolean): void {
  if (!isObj(spec)) return;
  checkField(ctx, entity, spec.field, joinPointer(path, 'field'));
  checkCelAt(ctx, spec.expression, joinPointer(path, 'expression'), entity);
  if (isObj(spec.managerOf)) checkField(ctx, entity, spec.managerOf.field, joinPointer(path, 'managerOf', 'field'));
  if (first && spec.managerOf === 'approver') {
    const message = 'managerOf "approver" in the first step has no approver to start from (use it in a later step or in timeout.to)';
    report(ctx, 'NO_PREVIOUS_STEP', joinPointer(path, 'managerOf'), message);
  }
}

export function approverSpecs(ctx: BundleContext, specs: unknown, path: string, entity: EntityInfo | null | undefined, first: boolean): void {
  if (Array.isArray(specs)) specs.forEach((spec, j) => approverSpec(ctx, spec, joinPointer(path, j), entity, first));
  else approverSpec(ctx, specs, path, entity, first);
}

/** The approver specs of a task (one or a list): roles, and the record fields and expressions they read. */
export function taskSpecs(ctx: BundleContext, value: unknown, path: string, entity: EntityInfo | null | undefined): void {
  const list: [unknown, string][] = Array.isArray(value) ? value.map((s, i) => [s, joinPointer(path, i)]) : [[value, path]];
  for (const [spec, at] of list) {
    checkRole(ctx, spec, at);
    approverSpec(ctx, spec, at, entity, false);
  }
}

/**
 * A duration that must be positive (and, on a business calendar, of days and smaller units). `unparsed` reports
 * text that is no ISO 8601 duration; chains leave that to the meta-schema's `format: duration`.
 */
export function checkDuration(ctx: BundleContext, text: unknown, path: string, onCalendar: boolean, unparsed = false): void {
  if (typeof text !== 'string') return;
  let d: Duration;
  try {
    d = parseIsoDuration(text, path);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (unparsed) report(ctx, 'INVALID_DURATION', path, error.message);
    return;
  }
  if (isZeroDuration(d)) report(ctx, 'INVALID_DURATION', path, `"${text}" is zero: a duration here must be positive`);
  else if (onCalendar && (d.years || d.months || d.weeks)) {
    const message = `"${text}": on a business calendar a duration may use only days, hours, minutes and seconds`;
    report(ctx, 'INVALID_DURATION', path, message);
  }
}

function timeout(ctx: BundleContext, value: unknown, path: string, entity: EntityInfo | null | undefined): void {
  if (!isObj(value)) return;
  const name = value.calendar;
  checkCalendarRef(ctx, name, joinPointer(path, 'calendar'));
  checkDuration(ctx, value.after, joinPointer(path, 'after'), typeof name === 'string');
  checkDuration(ctx, value.remindEvery, joinPointer(path, 'remindEvery'), typeof name === 'string');
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
