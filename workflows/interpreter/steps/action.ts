import type { ActionStep, NotifyTarget, Scorecard } from '../../../engine/domain/config/process-types.js';
import { patched } from '@temporalio/workflow';
import { notify, publish } from '../../events.js';
import { nowIso } from '../../clock.js';
import type { StepExecutor } from '../executor.js';
import { activities, configFailure, type ProcessRun } from '../run.js';
import { startRun } from './children.js';
import { scoreCard } from '../../../engine/domain/process/score.js';
import { resolveValues, usesExpressions } from './values.js';

/** A built-in side effect, always an idempotent activity keyed by run, step and visit. */
export const runAction: StepExecutor<ActionStep> = async (step, { run, visit }) => {
  const { entity, recordId, processId, process } = run.input;
  const key = run.key(step.id, visit);
  const where = `step ${step.id}`;
  const needsRecord = usesExpressions(step.set) || usesExpressions(step.data) || usesExpressions(step.payload) || step.record !== undefined
    || (step.to !== undefined && 'field' in step.to) || step.action === 'score';
  const record = needsRecord ? await run.record() : {};
  const context = run.context(record);
  switch (step.action) {
    case 'set': {
      const set = resolveValues(run, step.set ?? {}, context, where);
      await activities.updateRecord({ entity, recordId, set, actor: 'system', idempotencyKey: key, context: { processId, step: step.id } });
      run.recordChanged(); // timers elsewhere in the run that read the record follow its new dates
      break;
    }
    case 'updateRecord': {
      // Another record (the customer of an application, say): its id is CEL, its values are CEL over this run's context.
      if (!step.entity || !step.record) configFailure('INVALID_STEP', `${where}: updateRecord needs an entity and a record`);
      const target = String(run.evaluate(step.record, context, `${where} record`));
      const set = resolveValues(run, step.set ?? {}, context, where);
      await activities.updateRecord({ entity: step.entity, recordId: target, set, actor: 'system', idempotencyKey: key, context: { processId, step: step.id } });
      run.vars[step.id] = { entity: step.entity, id: target };
      break;
    }
    case 'readRecord': {
      // Another record's fields for the steps after (the contract a service request names, say); reading writes nothing.
      if (!step.entity || !step.record) configFailure('INVALID_STEP', `${where}: readRecord needs an entity and a record`);
      if (!patched('action-read-record')) break; // code before the action passed over an unknown one
      const target = String(run.evaluate(step.record, context, `${where} record`));
      run.vars[step.id] = { entity: step.entity, id: target, record: await activities.loadRecord({ entity: step.entity, recordId: target }) };
      break;
    }
    case 'notify': {
      const to = await recipients(run, step.to, record);
      const text = step.message?.en ?? `${process}: ${run.lastOutcome ?? step.id}`;
      await notify({ to, kind: 'process.message', title: text, body: text, link: { entity, recordId, processId }, idempotencyKey: key });
      break;
    }
    case 'createRecord': {
      if (!step.entity) configFailure('INVALID_STEP', `${where}: createRecord needs an entity`);
      const created = await activities.createRecord({ entity: step.entity, data: resolveValues(run, step.data ?? {}, context, where), actor: 'system', idempotencyKey: key });
      run.vars[step.id] = { id: created.id, entity: step.entity };
      break;
    }
    case 'webhook': {
      if (!step.event) configFailure('INVALID_STEP', `${where}: webhook needs an event`);
      const payload = { name: step.event, processId, process, entity, recordId, data: resolveValues(run, step.payload ?? {}, context, where), at: nowIso() };
      await publish({ event: 'process.webhook', payload, idempotencyKey: key });
      break;
    }
    case 'startProcess': {
      if (!step.process) configFailure('INVALID_STEP', `${where}: startProcess needs a process`);
      const target = step.record ? String(run.evaluate(step.record, context, where)) : recordId;
      const started = await startRun(run, step.process, target, false);
      run.vars[step.id] = { processId: started?.processId ?? null };
      break;
    }
    case 'score': {
      if (!step.scorecard) configFailure('INVALID_STEP', `${where}: score needs a scorecard`);
      const result = scoreCard(scorecardOf(run, step.scorecard, where), (item, i) => {
        const counted = !item.when || run.holds(item.when, context, `${where} item ${i}`);
        if (!counted) return { counted, points: 0 };
        const points = typeof item.points === 'number' ? item.points : run.evaluate(item.points, context, `${where} item ${i} points`);
        if (typeof points !== 'number') configFailure('EXPRESSION_FAILED', `${where} item ${i}: points must be a number, got ${JSON.stringify(points)}`);
        return { counted, points };
      });
      run.vars[step.id] = result;
      const into = step.into ?? {};
      const set = Object.fromEntries([[into.total, result.total], [into.grade, result.grade], [into.explanation, result.items]].filter(([field]) => field !== undefined));
      if (Object.keys(set).length) {
        await activities.updateRecord({ entity, recordId, set, actor: 'system', idempotencyKey: key, context: { processId, step: step.id } });
        run.recordChanged();
      }
      break;
    }
  }
  run.log(step.id, 'done', { action: step.action });
  return {};
};

/** An inline scorecard, or one of the run's configuration version by name. */
function scorecardOf(run: ProcessRun, card: Scorecard | string, where: string): Scorecard {
  if (typeof card !== 'string') return card;
  const found = run.input.scorecards?.[card];
  if (!found) configFailure('UNKNOWN_SCORECARD', `${where}: scorecard "${card}" is not configured`);
  return found;
}

async function recipients(run: ProcessRun, to: NotifyTarget | undefined, record: Record<string, unknown>): Promise<string[]> {
  const { requester } = run.input;
  if (!to) return [requester];
  if ('field' in to) {
    if (to.field === 'createdBy' || to.field === 'requester') return [requester];
    const value = record[to.field];
    return typeof value === 'string' ? [value] : [requester];
  }
  if ('user' in to) return [to.user];
  return (await activities.resolveApprovers({ spec: to, requester, record })).users;
}
