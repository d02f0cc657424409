import { expect } from 'vitest';
import { atMinute, type TimelineEntry } from './run-timeline.js';
import { minute, hour, day } from './time-skipping.js';

/** repair-dispatch's parts form and its longest path on the business calendar: what the real run and the simulation must both give. */
export const parts = [
  { partNo: 'CMP-220', partName: 'Compressor relay', quantity: 2, unitPrice: 150, discount: 0.1, confirmed: true, packed: false },
  { partNo: 'FAN-7', partName: 'Fan motor', quantity: 1, unitPrice: 80, discount: 0, confirmed: true, packed: true },
];

/** The next Monday 09:00 in Beijing (01:00 UTC) after `ms`: a working morning of the business calendar. */
export function nextMondayMorning(ms: number) {
  const d = new Date(ms);
  const base = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 1);
  for (let i = 1; i <= 8; i++) {
    const at = base + i * day;
    if (new Date(at).getUTCDay() === 1) return at;
  }
  throw new Error('no Monday');
}
export const iso = (ms: number) => new Date(ms).toISOString();
export const m = atMinute;
export const steps = (timeline: TimelineEntry[], events: string[]) =>
  timeline.filter((e) => events.includes(e.event)).map((e) => [m(Date.parse(e.at)), e.step, e.event]);
export const decisions = (timeline: TimelineEntry[]) => timeline.filter((e) => e.event === 'decided').map((e) => [e.step, e.detail?.goto ?? null]);

/** The repair order's tasks on the longest path: dispatched at one minute, repaired (twice, one inspection sent back) at another. */
export const repairOrderTasks = (dispatched: string, repaired: string) => [
  [dispatched, 'diagnosis', 'task-opened'], [dispatched, 'diagnosis', 'task-completed'],
  [dispatched, 'dispatch-electrical', 'task-opened'], [dispatched, 'dispatch-electrical', 'task-completed'],
  [dispatched, 'repair', 'task-opened'], [repaired, 'repair', 'task-completed'],
  [repaired, 'inspection', 'task-opened'], [repaired, 'inspection', 'task-completed'],
  [repaired, 'repair', 'task-opened'], [repaired, 'repair', 'task-completed'],
  [repaired, 'inspection', 'task-opened'], [repaired, 'inspection', 'task-completed'],
];
export const repairOrderDecisions = [['needs-repair', null], ['route-skill', 'dispatch-electrical'], ['inspection-route', 'repair'], ['inspection-route', null], ['settle-route', 'settle-chargeable']];

/** The moments of the longest path from a Monday 09:00 Beijing (t0), on the business calendar. */
export const moments = (t0: number) => {
  const response = t0 + 5 * hour; // 4 working hours: 09:00-12:00 and 13:00-14:00, Monday 14:00 Beijing
  const resolution = t0 + 3 * day; // 24 working hours: Monday 09:00 to Wednesday 18:00, due Thursday 09:00 Beijing
  return { response, triaged: response + minute, resolution, repaired: resolution + minute, feedback: resolution + minute + day };
};
export const runEvents = ['task-opened', 'task-completed', 'timer-fired', 'child-ended', 'received'];
/** The service request's own run on the longest path: the real run and the simulation must both give this. */
export const requestTimeline = (t0: number) => {
  const { response, triaged, resolution, repaired, feedback } = moments(t0);
  return [
    [m(t0), 'check-warranty', 'child-ended'],
    [m(t0), 'triage', 'task-opened'],
    [m(response), 'sla-high-response', 'timer-fired'],
    [m(triaged), 'triage', 'task-completed'],
    [m(resolution), 'sla-high-resolution', 'timer-fired'],
    [m(repaired), 'repair', 'child-ended'],
    [m(feedback), 'await-feedback', 'received'],
    [m(feedback), 'close', 'task-opened'],
    [m(feedback), 'close', 'task-completed'],
    [m(feedback), 'survey', 'task-opened'],
    [m(feedback), 'survey', 'task-completed'],
  ];
};
/** The notices of the SLA (S-05), [minute, step, recipient, title]: to the service agents, then to the dispatcher. */
export const requestNotices = (t0: number) => [
  [m(moments(t0).response), 'sla-warn', 'service1', 'Service request not yet triaged: the response time of its priority has passed (S-05)'],
  [m(moments(t0).resolution), 'sla-escalate', 'dispatcher', 'Service request escalated: the resolution time of its priority has passed'],
];
/** The service request's field changes, [minute, step, actor, fields set]. */
export const requestChanges = (t0: number) => {
  const { triaged, resolution, repaired, feedback } = moments(t0);
  return [
    [m(t0), 'record-warranty', 'system', { startedAt: expect.stringMatching(new RegExp(`^${m(t0).slice(0, 16)}`)), inWarranty: false }],
    [m(triaged), 'triage', 'service1', { status: 'assigned', rejectReason: '', requiredSkill: 'electrical' }],
    [m(triaged), 'link-order', 'system', { repairOrder: expect.any(String) }],
    [m(resolution), 'sla-breached', 'system', { status: 'escalated', slaBreached: true }],
    [m(repaired), 'handled', 'system', { status: 'handled' }],
    [m(feedback), 'record-feedback', 'system', { feedback: 'works', feedbackReceived: true }],
    [m(feedback), 'close', 'service1', { status: 'closed', endedAt: expect.stringMatching(new RegExp(`^${m(feedback).slice(0, 16)}`)) }],
    [m(feedback), 'survey', 'service1', { satisfaction: 4 }],
  ];
};
/** The parts lines as the repair order stores them: each line's fee computed (quantity x unit price x (1 - discount)). */
export const storedParts = (lines: typeof parts) => lines.map((p) => ({ ...p, substitute: false, fee: Math.round(p.quantity * p.unitPrice * (1 - p.discount)) }));
/** The repair order's field changes on the longest path, [minute, step, actor, fields changed]. */
export const orderChanges = (t0: number) => {
  const { triaged, repaired } = moments(t0);
  return [
    [m(triaged), 'diagnosis', 'dispatcher', { diagnosis: 'faulty', defect: 'compressor relay' }],
    [m(triaged), 'dispatch-electrical', 'tech1', { technician: 'tech1' }],
    [m(triaged), 'dispatched', 'system', { status: 'dispatched' }],
    [m(repaired), 'repair', 'tech1', { parts: storedParts(parts.slice(0, 1)), labourFee: 100, solution: 'relay' }],
    [m(repaired), 'inspection', 'dispatcher', { inspectionPassed: false }],
    [m(repaired), 'repair', 'tech1', { parts: storedParts(parts), labourFee: 200, solution: 'replaced relay and fan motor' }],
    [m(repaired), 'inspection', 'dispatcher', { inspectionPassed: true }],
    [m(repaired), 'settle-chargeable', 'system', { partsFee: 350, totalFee: 550 }],
    [m(repaired), 'close-order', 'system', { status: 'closed' }],
  ];
};
