import { joinPointer } from '../errors.js';
import { checkDuration as duration, taskSpecs } from './chain-checks.js';
import { checkCalendarRef, checkCelAt, checkField, report, type BundleContext, type EntityInfo } from './context.js';
import { entriesOf, isObj, itemsOf, type Obj } from './json-reading.js';

/**
 * The run-time features of a pipeline: the `appliesWhen` rule, the fields the board, reports and gates read, stage
 * actions (`onEnter`) and the stale limits on their calendar.
 */
export function checkPipelineRuntime(ctx: BundleContext, pipeline: Obj, path: string, entity: EntityInfo | null | undefined): void {
  checkCelAt(ctx, pipeline.appliesWhen, joinPointer(path, 'appliesWhen'), entity, 'bool');
  for (const key of ['amountField', 'ownerField', 'closeDateField']) checkField(ctx, entity, pipeline[key], joinPointer(path, key));
  if (isObj(pipeline.reasons)) {
    for (const [category, field] of entriesOf(pipeline.reasons)) checkField(ctx, entity, field, joinPointer(path, 'reasons', category));
  }
  const stale = isObj(pipeline.stale) ? pipeline.stale : null;
  const calendar = typeof stale?.calendar === 'string' ? stale.calendar : undefined;
  if (stale) {
    const calendars = isObj(ctx.bundle.calendars) ? ctx.bundle.calendars : null;
    if (calendar && calendars && !Object.hasOwn(calendars, calendar)) {
      report(ctx, 'UNKNOWN_CALENDAR', joinPointer(path, 'stale', 'calendar'), `calendar "${calendar}" is not defined in calendars`);
    }
    duration(ctx, stale.after, joinPointer(path, 'stale', 'after'), !!calendar);
    if (isObj(stale.escalate)) duration(ctx, stale.escalate.after, joinPointer(path, 'stale', 'escalate', 'after'), !!calendar);
  }
  itemsOf(pipeline.stages).forEach((stage, i) => {
    if (!isObj(stage)) return;
    const at = joinPointer(path, 'stages', i);
    duration(ctx, stage.staleAfter, joinPointer(at, 'staleAfter'), !!calendar);
    if (isObj(stage.onEnter)) checkOnEnter(ctx, stage.onEnter, joinPointer(at, 'onEnter'), pipeline, entity);
    if (isObj(stage.onEnter) && isObj(stage.onEnter.createTask)) checkStageTask(ctx, stage.onEnter.createTask, joinPointer(at, 'onEnter', 'createTask'), pipeline, entity, calendar);
  });
}

function checkOnEnter(ctx: BundleContext, onEnter: Obj, path: string, pipeline: Obj, entity: EntityInfo | null | undefined): void {
  for (const [field] of entriesOf(onEnter.set)) {
    const at = joinPointer(path, 'set', field);
    if (field === pipeline.field) report(ctx, 'INVALID_STAGE_ACTION', at, `entering a stage cannot set the stage field "${field}": stages move only through their gate`);
    else checkField(ctx, entity, field, at);
  }
  const name = onEnter.startProcess;
  if (typeof name !== 'string') return;
  const processes = isObj(ctx.bundle.processes) ? ctx.bundle.processes : {};
  const process = Object.hasOwn(processes, name) ? processes[name] : undefined;
  const at = joinPointer(path, 'startProcess');
  if (process === undefined) report(ctx, 'UNKNOWN_PROCESS', at, `process "${name}" is not defined`);
  else if (isObj(process) && typeof process.entity === 'string' && typeof pipeline.entity === 'string' && process.entity !== pipeline.entity) {
    report(ctx, 'PROCESS_ENTITY_MISMATCH', at, `process "${name}" runs on "${process.entity}" records, not "${pipeline.entity}"`);
  }
}

/** `onEnter.createTask`: who gets it (the owner field by default) and its due time on its calendar. */
function checkStageTask(ctx: BundleContext, task: Obj, path: string, pipeline: Obj, entity: EntityInfo | null | undefined, staleCalendar: string | undefined): void {
  const assigneePath = joinPointer(path, 'assignee');
  if ((task.assignee === undefined || task.assignee === 'owner') && task.candidates === undefined) {
    checkField(ctx, entity, pipeline.ownerField ?? 'owner', assigneePath);
  }
  taskSpecs(ctx, task.assignee, assigneePath, entity);
  taskSpecs(ctx, task.candidates, joinPointer(path, 'candidates'), entity);
  checkCalendarRef(ctx, task.calendar, joinPointer(path, 'calendar'));
  duration(ctx, task.due, joinPointer(path, 'due'), typeof task.calendar === 'string' || !!staleCalendar);
}
