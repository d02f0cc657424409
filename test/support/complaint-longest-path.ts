import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { addBusinessDuration, type Calendar } from '../../engine/domain/calendar/index.js';
import { atMinute } from './run-timeline.js';
import { hour } from './time-skipping.js';

/** complaint-handling's answers, business calendar and longest path (front line -> region -> head office, late archive). */
export const business = JSON.parse(readFileSync(new URL('../../schemas/starter-pack/calendars/business.json', import.meta.url), 'utf8')) as Calendar;

export const plusMs = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

export const verify = { data: { verificationResult: 'confirmed', verificationNote: 'CCTV shows a 20-minute wait' } };
export const review = { data: { reviewResult: 'justified', responsibleDepartment: 'Station 12', handlingPlan: 'Retrain the attendant' } };
export const rectify = { data: { rectification: 'Attendant retrained; a second cashier at peak hours' } };
export const revisit = { data: { revisitResult: 'satisfied', satisfaction: 4, revisitNote: 'Accepts the apology' } };

export function longestPath(t0: string) {
  const verified = plusMs(t0, 2 * hour);
  const frontLineDue = addBusinessDuration(t0, 'P1D', business);
  const reviewed = plusMs(frontLineDue, hour);
  const regionDue = addBusinessDuration(frontLineDue, 'P2D', business);
  const headOfficeDue = addBusinessDuration(regionDue, 'P3D', business);
  const rectified = plusMs(headOfficeDue, hour);
  const revisited = plusMs(headOfficeDue, 2 * hour);
  return { verified, frontLineDue, reviewed, regionDue, headOfficeDue, rectified, revisited };
}
export const pathEvents = ['task-opened', 'task-completed', 'interrupted', 'done'];
/** [minute, step, event] of the longest path's run: the real run and the simulation must both give this. */
export function longestPathTimeline(t0: string) {
  const p = longestPath(t0);
  const at = (iso: string) => atMinute(Date.parse(iso));
  return [
    [at(t0), 'fl-verify', 'task-opened'],
    [at(p.verified), 'fl-verify', 'task-completed'],
    [at(p.verified), 'fl-review', 'task-opened'],
    [at(p.frontLineDue), 'front-line', 'interrupted'],
    [at(p.frontLineDue), 'to-region', 'done'],
    [at(p.frontLineDue), 'to-region-notify', 'done'],
    [at(p.frontLineDue), 'region-review', 'task-opened'],
    [at(p.reviewed), 'region-review', 'task-completed'],
    [at(p.reviewed), 'region-service-request', 'done'],
    [at(p.reviewed), 'region-service-webhook', 'done'],
    [at(p.reviewed), 'region-service-notify', 'done'],
    [at(p.reviewed), 'region-rectify', 'task-opened'],
    [at(p.regionDue), 'region', 'interrupted'],
    [at(p.regionDue), 'to-head-office', 'done'],
    [at(p.regionDue), 'to-head-office-notify', 'done'],
    [at(p.regionDue), 'hq-rectify', 'task-opened'],
    [at(p.headOfficeDue), 'head-office', 'interrupted'],
    [at(p.headOfficeDue), 'head-office-breached', 'done'],
    [at(p.headOfficeDue), 'head-office-breached-notify', 'done'],
    [at(p.headOfficeDue), 'hq-late-rectify', 'task-opened'],
    [at(p.rectified), 'hq-late-rectify', 'task-completed'],
    [at(p.rectified), 'hq-late-revisit', 'task-opened'],
    [at(p.revisited), 'hq-late-revisit', 'task-completed'],
    [at(p.revisited), 'archive', 'done'],
  ];
}
/** The process's notices on the longest path, [minute, step, recipient, title]. */
export function longestPathNotices(t0: string) {
  const p = longestPath(t0);
  const at = (iso: string) => atMinute(Date.parse(iso));
  return [
    [at(p.frontLineDue), 'to-region-notify', 'regiondir', 'Complaint escalated to the region: the front line missed its SLA (K-01)'],
    [at(p.reviewed), 'region-service-notify', 'dispatcher', 'A complaint needs a service request (K-08, S-09)'],
    [at(p.regionDue), 'to-head-office-notify', 'hqvp', 'Complaint escalated to head office: the region missed its SLA (K-01, K-04)'],
    [at(p.headOfficeDue), 'head-office-breached-notify', 'hqvp', 'Complaint past the head-office SLA, the last level: finish it and assess the delay (K-04)'],
  ];
}
export const serviceNote = 'Calibrate pump 4 and check the meter seal';
export const reviewWithService = { data: { ...review.data, serviceRequired: true, serviceRequestNote: serviceNote } };
/** The complaint's field changes on the longest path, [minute, step, actor, fields changed]. */
export function longestPathChanges(t0: string) {
  const p = longestPath(t0);
  const at = (iso: string) => atMinute(Date.parse(iso));
  return [
    [at(p.verified), 'fl-verify', 'service1', { verificationResult: 'confirmed', verificationNote: verify.data.verificationNote, status: 'reviewing' }],
    [at(p.frontLineDue), 'to-region', 'system', { level: 'region', escalations: 1, escalatedAt: expect.stringMatching(new RegExp(`^${at(p.frontLineDue).slice(0, 16)}`)) }],
    [at(p.reviewed), 'region-review', 'regiondir', { reviewResult: 'justified', handlingPlan: review.data.handlingPlan, responsibleDepartment: review.data.responsibleDepartment, status: 'rectifying' }],
    [at(p.reviewed), 'region-service-request', 'system', { serviceRequested: true, serviceRequestNote: serviceNote }],
    [at(p.regionDue), 'to-head-office', 'system', { level: 'head_office', escalations: 2, escalatedAt: expect.stringMatching(new RegExp(`^${at(p.regionDue).slice(0, 16)}`)) }],
    [at(p.headOfficeDue), 'head-office-breached', 'system', { slaBreached: true }],
    [at(p.rectified), 'hq-late-rectify', 'hqvp', { rectification: rectify.data.rectification, status: 'revisiting' }],
    [at(p.revisited), 'hq-late-revisit', 'hqvp', { revisitResult: 'satisfied', satisfaction: 4, revisitNote: revisit.data.revisitNote }],
    [at(p.revisited), 'archive', 'system', { status: 'archived', closedAtLevel: 'head_office', archivedAt: expect.stringMatching(new RegExp(`^${at(p.revisited).slice(0, 16)}`)) }],
  ];
}
export const longestPathTasks = [
  ['fl-verify', 'completed'], ['fl-review', 'cancelled'], ['region-review', 'completed'], ['region-rectify', 'cancelled'],
  ['hq-rectify', 'cancelled'], ['hq-late-rectify', 'completed'], ['hq-late-revisit', 'completed'],
];
