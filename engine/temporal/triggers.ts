import { ConfigStore, READ_STALENESS_MS } from '../db/config-store.js';
import { evaluateCondition } from '../domain/cel.js';
import type { ProcessDefinitionV2, Trigger } from '../domain/config/process-types.js';
import { startProcessRun, type StartDeps } from './process-start.js';

export type TriggerCause =
  | { on: 'create'; record: Record<string, unknown> }
  | { on: 'update'; record: Record<string, unknown>; previous: Record<string, unknown> }
  | { on: 'stage'; pipeline: string; stage: string }
  | { on: 'event'; event: string };

function triggersOf(definition: ProcessDefinitionV2): Trigger[] {
  const t = definition.trigger;
  return t === undefined ? [] : Array.isArray(t) ? t : [t];
}

function fires(trigger: Trigger, cause: TriggerCause, actor: string): boolean {
  if (trigger.on !== cause.on) return false;
  switch (trigger.on) {
    case 'create':
    case 'update': {
      if (!trigger.when) return true;
      const c = cause as Extract<TriggerCause, { on: 'create' | 'update' }>;
      return evaluateCondition(trigger.when, { record: c.record, previous: 'previous' in c ? c.previous : undefined, requester: actor, actor });
    }
    case 'stage': {
      const c = cause as Extract<TriggerCause, { on: 'stage' }>;
      return trigger.pipeline === c.pipeline && trigger.stage === c.stage;
    }
    case 'event':
      return trigger.event === (cause as Extract<TriggerCause, { on: 'event' }>).event;
    default:
      return false;
  }
}

/**
 * Starts every process of the entity whose trigger matches what happened to the record (at most one run per
 * business key: a process already running there is left as it is). Returns the ids of the runs started or running.
 */
export async function fireTriggers(deps: StartDeps, entity: string, recordId: string, cause: TriggerCause, actor: string): Promise<string[]> {
  const config = await new ConfigStore(deps.orm.em.fork()).currentFast(READ_STALENESS_MS);
  const processes = (config.bundle.processes ?? {}) as unknown as Record<string, ProcessDefinitionV2>;
  const started: string[] = [];
  for (const [name, definition] of Object.entries(processes)) {
    if (definition.entity !== entity) continue;
    if (!triggersOf(definition).some((t) => fires(t, cause, actor))) continue;
    started.push((await startProcessRun(deps, { process: name, entity, recordId, requester: actor })).id);
  }
  return started;
}

/** Whether any process of the entity starts on this kind of trigger (so the caller can skip reading `previous`). */
export async function hasTrigger(deps: StartDeps, entity: string, on: Trigger['on']): Promise<boolean> {
  const config = await new ConfigStore(deps.orm.em.fork()).currentFast(READ_STALENESS_MS);
  const processes = (config.bundle.processes ?? {}) as unknown as Record<string, ProcessDefinitionV2>;
  return Object.values(processes).some((d) => d.entity === entity && triggersOf(d).some((t) => t.on === on));
}
