import type { HttpClient } from './http.js';
import { minute } from './time-skipping.js';

/**
 * A run's timeline, notices and field changes as [simulated minute, ...] rows, the same for a real run on the
 * time-skipping server and for its simulation (POST /api/config/simulate), so one expected list serves both.
 */
export type TimelineEntry = { step: string; event: string; at: string; detail?: Record<string, unknown>; process?: string };
export type SimulatedChange = { at: string; entity: string; recordId: string; action: string; actor: string; set: Record<string, unknown>; process?: string };

/** An instant floored to its minute, as an ISO string. */
export const atMinute = (ms: number) => new Date(Math.floor(ms / minute) * minute).toISOString();

/** The entries of the given events, [minute, step, event]. */
export const timelineRows = (timeline: TimelineEntry[], events: string[]) =>
  timeline.filter((e) => events.includes(e.event)).map((e) => [atMinute(Date.parse(e.at)), e.step, e.event]);

/** The minute a step last ran in a timeline: its action done, its decision taken or its task completed. */
export function ranAt(timeline: TimelineEntry[], step: string): string {
  const ran = timeline.findLast((e) => e.step === step && ['done', 'decided', 'task-completed'].includes(e.event));
  if (!ran) throw new Error(`step ${step} did not run: ${JSON.stringify(timeline.map((e) => `${e.step}:${e.event}`))}`);
  return atMinute(Date.parse(ran.at));
}

type HistoryEntry = { action: string; actor: string; changes: Record<string, { after: unknown }>; context?: { step?: string } };

/**
 * A real record's updates from its audit history, [minute, step, actor, fields changed]: the history says what
 * changed, by whom and in which step; the run's timeline says when (the n-th write of a step at its n-th run).
 */
export async function historyRows(client: HttpClient, entity: string, recordId: string, timeline: TimelineEntry[]) {
  const history = (await client.get(`/api/records/${entity}/${recordId}/history`)).body.items as HistoryEntry[];
  const seen = new Map<string | undefined, number>();
  return history.filter((h) => h.action === 'update').map((h) => {
    const step = h.context?.step;
    const n = seen.get(step) ?? 0;
    seen.set(step, n + 1);
    const ran = timeline.filter((e) => e.step === step && ['done', 'task-completed'].includes(e.event))[n];
    return [ran ? atMinute(Date.parse(ran.at)) : null, step ?? null, h.actor, Object.fromEntries(Object.entries(h.changes).map(([k, v]) => [k, v.after]))];
  });
}

/**
 * A simulation's updates of an entity as the audit history would show them, [minute, actor, fields changed]: a
 * step's merge patch also carries values it writes unchanged, which the history leaves out.
 */
export function simulatedRows(changes: SimulatedChange[], entity: string, initial: Record<string, unknown> = {}) {
  const state = new Map<string, Record<string, unknown>>();
  return changes.filter((c) => c.entity === entity).flatMap((c) => {
    const before = state.get(c.recordId) ?? initial;
    state.set(c.recordId, { ...before, ...c.set });
    if (c.action === 'create') return [];
    const set = Object.fromEntries(Object.entries(c.set).filter(([k, v]) => JSON.stringify(before[k]) !== JSON.stringify(v)));
    return [[atMinute(Date.parse(c.at)), c.actor, set]];
  });
}

/** The expected [minute, step, actor, set] rows without their step: what a simulation's record changes carry. */
export const withoutStep = (rows: unknown[][]) => rows.map(([at, , actor, set]) => [at, actor, set]);

/**
 * Several runs' timelines as one, in time order, [minute, process, step, event]: `process` is null for the first
 * run's own entries and the sub-process's name for the others (as a simulation marks them).
 */
export function mergedRows(runs: { timeline: TimelineEntry[]; process?: string }[], events: string[]) {
  return runs.flatMap((r) => r.timeline.map((e) => ({ ...e, process: e.process ?? r.process })))
    .map((e, i) => ({ e, i, at: Date.parse(e.at) })).sort((a, b) => a.at - b.at || a.i - b.i).map(({ e }) => e)
    .filter((e) => events.includes(e.event)).map((e) => [atMinute(Date.parse(e.at)), e.process ?? null, e.step, e.event]);
}
