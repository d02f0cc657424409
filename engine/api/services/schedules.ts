import { ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import type { AppDeps } from '../context.js';
import { ConfigStore } from '../../db/config-store.js';
import type { ProcessDefinitionV2, Trigger } from '../../domain/config/process-types.js';

export const SCHEDULE_PREFIX = 'process-schedule:';

type ScheduleTrigger = Extract<Trigger, { on: 'schedule' }>;

function scheduleTriggers(definition: ProcessDefinitionV2): ScheduleTrigger[] {
  const t = definition.trigger;
  const list = t === undefined ? [] : Array.isArray(t) ? t : [t];
  return list.filter((x): x is ScheduleTrigger => x.on === 'schedule');
}

/**
 * Makes the Temporal Schedules match the published configuration: one schedule per process with a schedule trigger
 * (`process-schedule:<process>`), updated when its cron or filter changes, deleted when the trigger is gone. Each
 * firing runs `scheduledTriggerWorkflow`, which starts the process on every record the filter selects.
 */
export async function syncSchedules(deps: AppDeps): Promise<{ created: string[]; updated: string[]; deleted: string[] }> {
  const config = await new ConfigStore(deps.orm.em.fork()).current();
  const processes = (config.bundle.processes ?? {}) as unknown as Record<string, ProcessDefinitionV2>;
  const wanted = new Map<string, { process: string; cron: string[]; filter?: string }>();
  for (const [process, definition] of Object.entries(processes)) {
    const triggers = scheduleTriggers(definition);
    if (triggers.length) wanted.set(`${SCHEDULE_PREFIX}${process}`, { process, cron: triggers.map((t) => t.cron), filter: triggers.find((t) => t.filter)?.filter });
  }
  const schedules = deps.flow.client.schedule;
  const result = { created: [] as string[], updated: [] as string[], deleted: [] as string[] };
  const existing: string[] = [];
  for await (const s of schedules.list()) if (s.scheduleId.startsWith(SCHEDULE_PREFIX) && s.scheduleId.endsWith(`@${deps.flow.taskQueue}`)) existing.push(s.scheduleId);
  for (const [base, want] of wanted) {
    const scheduleId = `${base}@${deps.flow.taskQueue}`;
    const action = {
      type: 'startWorkflow' as const, workflowType: 'scheduledTriggerWorkflow', taskQueue: deps.flow.taskQueue,
      workflowId: `scheduled:${want.process}`, args: [{ process: want.process, filter: want.filter ?? null }],
    };
    try {
      await schedules.getHandle(scheduleId).update((previous) => ({ ...previous, spec: { cronExpressions: want.cron }, action }));
      result.updated.push(scheduleId);
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
      await schedules.create({ scheduleId, spec: { cronExpressions: want.cron }, action, policies: { overlap: ScheduleOverlapPolicy.SKIP } });
      result.created.push(scheduleId);
    }
  }
  for (const scheduleId of existing) {
    if (wanted.has(scheduleId.slice(0, scheduleId.lastIndexOf('@')))) continue;
    await schedules.getHandle(scheduleId).delete();
    result.deleted.push(scheduleId);
  }
  return result;
}

export function scheduleIdOf(deps: AppDeps, process: string): string {
  return `${SCHEDULE_PREFIX}${process}@${deps.flow.taskQueue}`;
}
