import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { startStackWith, type Stack } from '../support/stack-core.js';
import { eventually, type HttpClient } from '../support/http.js';
import { createRecord, openTaskOf, processIn, processUrl } from '../support/processes.js';
import { startCanary, type Canary } from '../support/webhooks-canary.js';
import { verifySignature } from '../../worker/notifications/signature.js';
import { addBusinessDuration } from '../../engine/domain/calendar/index.js';
import { business, plusMs, verify, review, rectify, revisit, longestPath, pathEvents, longestPathTimeline, longestPathNotices, reviewWithService, longestPathChanges, longestPathTasks } from '../support/complaint-longest-path.js';
import { day, hour } from '../support/time-skipping.js';
import { atMinute, historyRows, ranAt, simulatedRows, timelineRows, withoutStep, type SimulatedChange } from '../support/run-timeline.js';

const testServer = fileURLToPath(new URL('../../.tools/bin/temporal-test-server', import.meta.url));

let env: TestWorkflowEnvironment;
let stack: Stack;
let canary: Canary;

beforeAll(async () => {
  process.env.FLOWCRM_WEBHOOK_ALLOWLIST = '127.0.0.1'; // read when the worker and the API start
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer } } });
  [stack, canary] = await Promise.all([
    startStackWith({ temporalAddress: env.address, workflowBundlePath: inject('workflowBundlePath') }),
    startCanary('127.0.0.1'),
  ]);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await canary?.close();
  await env?.teardown();
});

type Entry = { at: string; step: string; event: string; detail?: Record<string, unknown> };
type View = { status: string; outcome: string; timeline: Entry[]; tasks: { step: string; status: string }[] };

/** Sleeps the test server until `iso` plus a little. */
async function sleepUntil(iso: string, slackMs = hour) {
  const ms = Date.parse(iso) + slackMs - (await env.currentTimeMs());
  if (ms > 0) await env.sleep(ms);
}

/** The next Monday 08:00 Beijing time (00:00 UTC) after `now`, an hour before the working day. */
function mondayAfter(now: number) {
  const midnight = Math.floor(now / day) * day;
  const daysAhead = ((8 - new Date(midnight).getUTCDay()) % 7) || 7;
  return new Date(midnight + daysAhead * day).toISOString();
}

/** Moves the server clock to the next Monday morning. */
async function nextMondayMorning() {
  const monday = mondayAfter(await env.currentTimeMs());
  await sleepUntil(monday, 0);
  return monday;
}

/** Logged by a sales rep who took the customer's call: the agent who handles it may not be the one who logged it. */
async function newComplaint(extra: Record<string, unknown> = {}) {
  const sales1 = await stack.as('sales1');
  const customer = await createRecord(sales1, 'customer', { name: `Motorist ${Math.random().toString(36).slice(2, 7)}` });
  const recordId = await createRecord(sales1, 'complaint', {
    customer, channel: 'hotline_400', site: 'Station 12, Haikou', topic: 'service', description: 'Waited 20 minutes at pump 4, attendant was rude', ...extra,
  });
  const processId = `complaint-handling:complaint:${recordId}`;
  await eventually(async () => (await sales1.get(processUrl(processId))).status === 200, 10_000);
  return { customer, recordId, processId };
}

async function complete(client: HttpClient, recordId: string, step: string, body: Record<string, unknown>) {
  const task = await openTaskOf(client, recordId, step, 10_000);
  const res = await client.post(`/api/tasks/${task.id}/complete`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

const record = async (client: HttpClient, id: string) => (await client.get(`/api/records/complaint/${id}`)).body.data;
const entriesOf = (view: View, event: string) => view.timeline.filter((e) => e.event === event);
const entry = (view: View, step: string, event: string) => {
  const found = view.timeline.find((e) => e.step === step && e.event === event);
  if (!found) throw new Error(`no ${event} of ${step} in ${JSON.stringify(view.timeline)}`);
  return found;
};
/** ISO instants compare as strings (same format, UTC). */
function expectBetween(iso: string, from: string, to: string) {
  expect(iso >= from && iso <= to, `${iso} in [${from}, ${to}]`).toBe(true);
}
const feedOf = async (client: HttpClient, recordId: string) =>
  ((await client.get('/api/notifications')).body.items as { title: string; link?: { recordId?: string } }[]).filter((n) => JSON.stringify(n).includes(recordId));

/** The titles of a user's notifications about the record, sorted (two written in the same millisecond have no order). */
const titlesOf = async (client: HttpClient, recordId: string, count: number) => eventually(async () => {
  const titles = (await feedOf(client, recordId)).map((n) => n.title).sort();
  return titles.length >= count ? titles : null;
}, 10_000);

/** The escalation path (front line and region miss their SLAs, head office archives): the real run and the simulation give these. */
const escalationTasks = [
  ['fl-verify', 'completed'], ['fl-review', 'cancelled'], ['region-review', 'completed'], ['region-rectify', 'cancelled'],
  ['hq-rectify', 'completed'], ['hq-revisit', 'completed'],
];
const escalationInterruptions = [['front-line', 'to-region'], ['region', 'to-head-office']];
const escalationOpened = ['fl-verify', 'fl-review', 'region-review', 'region-rectify', 'hq-rectify', 'hq-revisit'];

describe('complaint handling (K-01, K-03, K-08) on the business calendar', () => {
  it('escalates front line -> region -> head office on missed SLAs and completes at head office, taking over at the open step', async () => {
    const [service1, regiondir, hqvp] = await Promise.all(['service1', 'regiondir', 'hqvp'].map((u) => stack.as(u)));
    const monday = await nextMondayMorning();
    const { recordId, processId } = await newComplaint();
    expect(await record(service1, recordId)).toMatchObject({ level: 'front_line', status: 'verifying', escalations: 0, number: expect.stringMatching(/^CP-\d{4}-\d{6}$/) });

    await complete(service1, recordId, 'fl-verify', verify);
    await openTaskOf(service1, recordId, 'fl-review', 10_000);
    expect(await record(service1, recordId)).toMatchObject({ status: 'reviewing', verificationResult: 'confirmed', verificationNote: 'CCTV shows a 20-minute wait' });

    // Front line: 1 business day from the first working instant (Monday 09:00 +08:00) = Tuesday 09:00 +08:00.
    const frontLineDue = addBusinessDuration(monday, 'P1D', business);
    expect(frontLineDue.slice(11)).toBe('01:00:00.000Z'); // 09:00 +08:00 of the next working day
    await sleepUntil(frontLineDue);
    await openTaskOf(regiondir, recordId, 'region-review', 10_000);
    const atRegion = (await service1.get(processUrl(processId))).body as View;
    const toRegion = entry(atRegion, 'front-line', 'interrupted');
    expect(toRegion.detail).toEqual({ by: 'timer', goto: 'to-region' });
    expectBetween(toRegion.at, frontLineDue, plusMs(frontLineDue, 5000));
    const escalated = await record(service1, recordId);
    expect(escalated).toMatchObject({ level: 'region', escalations: 1, status: 'reviewing' });
    expectBetween(escalated.escalatedAt, toRegion.at, entry(atRegion, 'to-region', 'done').at);
    expect(await titlesOf(regiondir, recordId, 2)).toEqual([
      'Complaint escalated to the region: the front line missed its SLA (K-01)', 'Review the complaint and decide the handling (K-03, K-09, region)',
    ]);
    expect(entry(atRegion, 'region-verify', 'skipped')).toBeDefined();

    await complete(regiondir, recordId, 'region-review', review);
    await openTaskOf(regiondir, recordId, 'region-rectify', 10_000);

    // Region: 2 business days from the moment the region block starts (after the escalation's notification):
    // Thursday 09:00 +08:00 plus the milliseconds the escalation took.
    const regionEarliest = addBusinessDuration(entry(atRegion, 'to-region-notify', 'done').at, 'P2D', business);
    const regionLatest = addBusinessDuration(entry(atRegion, 'region-verify', 'skipped').at, 'P2D', business);
    expectBetween(regionEarliest, addBusinessDuration(frontLineDue, 'P2D', business), addBusinessDuration(plusMs(frontLineDue, 5000), 'P2D', business));
    await sleepUntil(regionLatest);
    await openTaskOf(hqvp, recordId, 'hq-rectify', 10_000);
    const atHeadOffice = (await service1.get(processUrl(processId))).body as View;
    const toHeadOffice = entry(atHeadOffice, 'region', 'interrupted');
    expect(toHeadOffice.detail).toEqual({ by: 'timer', goto: 'to-head-office' });
    expectBetween(toHeadOffice.at, regionEarliest, plusMs(regionLatest, 5000));
    const regionDue = toHeadOffice.at;
    const atHq = await record(service1, recordId);
    expect(atHq).toMatchObject({ level: 'head_office', escalations: 2, status: 'rectifying', reviewResult: 'justified', handlingPlan: 'Retrain the attendant' });
    expectBetween(atHq.escalatedAt, toHeadOffice.at, entry(atHeadOffice, 'to-head-office', 'done').at);
    expect(await titlesOf(hqvp, recordId, 2)).toEqual(['Complaint escalated to head office: the region missed its SLA (K-01, K-04)', 'Rectify (K-03, head office)']);

    await complete(hqvp, recordId, 'hq-rectify', rectify);
    await complete(hqvp, recordId, 'hq-revisit', revisit);
    const ended = (await processIn(service1, processId, 'completed', 10_000)) as View;
    expect(ended.outcome).toBe('archived');
    const data = await record(service1, recordId);
    expect(data).toMatchObject({
      level: 'head_office', closedAtLevel: 'head_office', status: 'archived', slaBreached: false, serviceRequested: false,
      rectification: rectify.data.rectification, revisitResult: 'satisfied', satisfaction: 4, revisitNote: 'Accepts the apology',
    });
    expect(Date.parse(data.archivedAt)).toBeGreaterThan(Date.parse(regionDue));
    expect(Date.parse(data.archivedAt)).toBeLessThan(Date.parse(addBusinessDuration(regionDue, 'P3D', business)));
    expect(entriesOf(ended, 'interrupted').map((e) => [e.step, e.detail?.goto])).toEqual(escalationInterruptions);
    expect(entriesOf(ended, 'task-opened').map((e) => e.step)).toEqual(escalationOpened);
    expect(entriesOf(ended, 'skipped').map((e) => e.step)).toEqual(expect.arrayContaining(['region-verify', 'hq-verify', 'hq-review']));
    expect(ended.tasks.map((t) => [t.step, t.status])).toEqual(escalationTasks);
    expect(ended.timeline.some((e) => e.step.startsWith('head-office-') || e.step.startsWith('hq-late'))).toBe(false);
  }, 180_000);

  it('past the head-office SLA (the last level, over a weekend) marks the breach, tells head office and keeps the case there', async () => {
    const [service1, regiondir, hqvp] = await Promise.all(['service1', 'regiondir', 'hqvp'].map((u) => stack.as(u)));
    const monday = await nextMondayMorning();
    const { recordId, processId } = await newComplaint({ channel: 'mystery_shopper' });
    await openTaskOf(service1, recordId, 'fl-verify', 10_000);
    const frontLineDue = addBusinessDuration(monday, 'P1D', business);
    await sleepUntil(frontLineDue);
    await openTaskOf(regiondir, recordId, 'region-verify', 10_000);
    const atRegion = (await service1.get(processUrl(processId))).body as View;
    const regionLatest = addBusinessDuration(entry(atRegion, 'region-verify', 'task-opened').at, 'P2D', business);
    await sleepUntil(regionLatest);
    await openTaskOf(hqvp, recordId, 'hq-verify', 10_000);
    const atHq = (await service1.get(processUrl(processId))).body as View;

    // Head office: 3 business days from the escalation (Thursday 09:00 +08:00 without holidays) skip the weekend.
    const regionBreach = entry(atHq, 'region', 'interrupted').at;
    const hqEarliest = addBusinessDuration(entry(atHq, 'to-head-office-notify', 'done').at, 'P3D', business);
    const hqLatest = addBusinessDuration(entry(atHq, 'hq-verify', 'task-opened').at, 'P3D', business);
    expect(Date.parse(hqEarliest) - Date.parse(regionBreach)).toBeGreaterThanOrEqual(5 * day);
    await sleepUntil(plusMs(hqEarliest, -2 * hour), 0);
    expect((await record(service1, recordId)).slaBreached).toBe(false);
    await sleepUntil(hqLatest);
    await openTaskOf(hqvp, recordId, 'hq-late-verify', 10_000);
    const late = (await service1.get(processUrl(processId))).body as View;
    const breach = entry(late, 'head-office', 'interrupted');
    expect(breach.detail).toEqual({ by: 'timer', goto: 'head-office-breached' });
    expectBetween(breach.at, hqEarliest, plusMs(hqLatest, 5000));
    expect(await record(service1, recordId)).toMatchObject({ level: 'head_office', escalations: 2, slaBreached: true, status: 'verifying' });
    expect((await titlesOf(hqvp, recordId, 4)).filter((t) => t.startsWith('Complaint'))).toEqual([
      'Complaint escalated to head office: the region missed its SLA (K-01, K-04)',
      'Complaint past the head-office SLA, the last level: finish it and assess the delay (K-04)',
    ]);

    for (const [step, body] of [['hq-late-verify', verify], ['hq-late-review', review], ['hq-late-rectify', rectify], ['hq-late-revisit', revisit]] as const) {
      await complete(hqvp, recordId, step, body);
    }
    const ended = (await processIn(service1, processId, 'completed', 10_000)) as View;
    expect(ended.outcome).toBe('archived');
    expect(await record(service1, recordId)).toMatchObject({ status: 'archived', closedAtLevel: 'head_office', slaBreached: true, revisitResult: 'satisfied' });
    expect(ended.tasks.map((t) => [t.step, t.status])).toEqual([
      ['fl-verify', 'cancelled'], ['region-verify', 'cancelled'], ['hq-verify', 'cancelled'],
      ['hq-late-verify', 'completed'], ['hq-late-review', 'completed'], ['hq-late-rectify', 'completed'], ['hq-late-revisit', 'completed'],
    ]);
  }, 180_000);

  it('starts a serious complaint at the region and a critical one at head office (K-01 by severity), the serious one under the region\'s SLA', async () => {
    const [sales1, regiondir, hqvp, service1] = await Promise.all(['sales1', 'regiondir', 'hqvp', 'service1'].map((u) => stack.as(u)));
    await nextMondayMorning();
    const serious = await newComplaint({ severity: 'serious' });
    const critical = await newComplaint({ severity: 'critical' });
    await openTaskOf(regiondir, serious.recordId, 'region-verify', 10_000);
    await openTaskOf(hqvp, critical.recordId, 'hq-verify', 10_000);
    expect(await record(sales1, serious.recordId)).toMatchObject({ level: 'region', escalations: 0, status: 'verifying' });
    expect(await record(sales1, critical.recordId)).toMatchObject({ level: 'head_office', escalations: 0, status: 'verifying' });
    expect(await titlesOf(regiondir, serious.recordId, 2)).toEqual(['A serious complaint starts at the region (K-01)', 'Verify the complaint (K-03, region)']);
    expect(await titlesOf(hqvp, critical.recordId, 2)).toEqual(['A critical complaint starts at head office (K-01, K-04)', 'Verify the complaint (K-03, head office)']);
    expect(await feedOf(service1, serious.recordId)).toEqual([]);
    const seriousView = (await sales1.get(processUrl(serious.processId))).body as View;
    expect(entry(seriousView, 'k01-route-by-severity', 'decided').detail).toMatchObject({ goto: 'serious-to-region' });
    expect(seriousView.timeline.some((e) => e.step.startsWith('fl-'))).toBe(false);
    // The region's own SLA (2 business days) applies from the start and escalates to head office.
    await sleepUntil(addBusinessDuration(entry(seriousView, 'region-verify', 'task-opened').at, 'P2D', business));
    await openTaskOf(hqvp, serious.recordId, 'hq-verify', 10_000);
    expect(await record(sales1, serious.recordId)).toMatchObject({ level: 'head_office', escalations: 1 });
    for (const run of [serious, critical]) {
      expect((await sales1.post(`${processUrl(run.processId)}/cancel`, { reason: 'test over' })).status).toBe(200);
    }
  }, 120_000);

  it('archives at the front line when the four steps are done within its SLA; the SLA timer never fires', async () => {
    const [service1, regiondir] = await Promise.all(['service1', 'regiondir'].map((u) => stack.as(u)));
    const monday = await nextMondayMorning();
    const { recordId, processId } = await newComplaint({ channel: 'suggestion_box' });
    await sleepUntil(new Date(Date.parse(monday) + 2 * hour).toISOString(), 0); // 10:00 +08:00, inside the SLA
    for (const [step, body] of [['fl-verify', verify], ['fl-review', review], ['fl-rectify', rectify], ['fl-revisit', revisit]] as const) {
      await complete(service1, recordId, step, body);
    }
    const ended = (await processIn(service1, processId, 'completed', 10_000)) as View;
    expect(ended.outcome).toBe('archived');
    expect(await record(service1, recordId)).toMatchObject({ level: 'front_line', closedAtLevel: 'front_line', status: 'archived', escalations: 0 });
    await sleepUntil(addBusinessDuration(monday, 'P3D', business));
    const later = (await service1.get(processUrl(processId))).body as View;
    expect(later.timeline).toEqual(ended.timeline);
    expect(entriesOf(later, 'interrupted')).toEqual([]);
    expect(ended.tasks.map((t) => [t.step, t.status])).toEqual([
      ['fl-verify', 'completed'], ['fl-review', 'completed'], ['fl-rectify', 'completed'], ['fl-revisit', 'completed'],
    ]);
    expect(await feedOf(regiondir, recordId)).toEqual([]);
  }, 120_000);

  it('refuses a complaint without a description or with an unknown channel, and a verify answer without its result', async () => {
    const [sales1, service1] = await Promise.all(['sales1', 'service1'].map((u) => stack.as(u)));
    const bad = await sales1.post('/api/records/complaint', { channel: 'carrier_pigeon', description: '' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['/channel', '/description']);
    const { recordId } = await newComplaint();
    const task = await openTaskOf(service1, recordId, 'fl-verify', 10_000);
    const refused = await service1.post(`/api/tasks/${task.id}/complete`, { data: { verificationNote: 'no result' } });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: '/data/verificationResult' }] });
    expect(await record(service1, recordId)).toMatchObject({ status: 'verifying' });
    expect((await record(service1, recordId)).verificationNote).toBeUndefined();
    expect((await sales1.post(`${processUrl(`complaint-handling:complaint:${recordId}`)}/cancel`, { reason: 'test over' })).status).toBe(200);
  }, 60_000);

  it('hands a complaint over as a service request (K-08, S-09): fields, the dispatcher notified, a signed process.webhook', async () => {
    const [admin, service1, dispatcher] = await Promise.all(['admin', 'service1', 'dispatcher'].map((u) => stack.as(u)));
    const subscription = await admin.post('/api/webhooks', { url: `${canary.url}/hooks`, events: ['process.webhook'] });
    expect(subscription.status, JSON.stringify(subscription.body)).toBe(201);
    await nextMondayMorning();
    const { customer, recordId, processId } = await newComplaint({ topic: 'facility', description: 'Pump 4 gives short measure' });
    await complete(service1, recordId, 'fl-verify', verify);
    const note = 'Calibrate pump 4 and check the meter seal';
    await complete(service1, recordId, 'fl-review', { data: { ...review.data, serviceRequired: true, serviceRequestNote: note } });
    await openTaskOf(service1, recordId, 'fl-rectify', 10_000);
    expect(await record(service1, recordId)).toMatchObject({ serviceRequested: true, serviceRequestNote: note, status: 'rectifying' });
    expect(await titlesOf(dispatcher, recordId, 1)).toEqual(['A complaint needs a service request (K-08, S-09)']);

    const delivery = await eventually(async () => canary.requests.find((r) => r.headers['x-flowcrm-event'] === 'process.webhook' && r.body.includes(recordId)), 30_000);
    expect(verifySignature(subscription.body.secret, delivery.headers['x-flowcrm-signature'] as string, delivery.body)).toBe(true);
    const number = (await record(service1, recordId)).number;
    expect(JSON.parse(delivery.body)).toMatchObject({
      event: 'process.webhook',
      data: { name: 'complaint.service_requested', processId, recordId, data: { complaint: number, customer, level: 'front_line', note, description: 'Pump 4 gives short measure' } },
    });

    await complete(service1, recordId, 'fl-rectify', { data: { rectification: 'Pump 4 recalibrated by the service team' } });
    await complete(service1, recordId, 'fl-revisit', revisit);
    const ended = (await processIn(service1, processId, 'completed', 10_000)) as View;
    expect(ended.timeline.filter((e) => e.step.startsWith('fl-service-') && e.event === 'skipped')).toEqual([]);
    expect(canary.requests.filter((r) => r.headers['x-flowcrm-event'] === 'process.webhook' && r.body.includes(recordId))).toHaveLength(1);
  }, 120_000);
});

/**
 * The longest path from a Monday 08:00 Beijing (t0): verified at the front line, which misses its SLA; reviewed at the
 * region, which hands it over as a service request (K-08) and misses its SLA; head office misses its own; the late
 * block rectifies, revisits and archives. Every moment on the business calendar.
 */
describe('complaint handling: the longest path', () => {
  it('escalates through all three levels, becomes a service request at the region, breaches head office and archives late', async () => {
    const [service1, regiondir, hqvp, dispatcher] = await Promise.all(['service1', 'regiondir', 'hqvp', 'dispatcher'].map((u) => stack.as(u)));
    const t0 = await nextMondayMorning();
    const p = longestPath(t0);
    const { recordId, processId } = await newComplaint();
    await sleepUntil(p.verified, 0);
    await complete(service1, recordId, 'fl-verify', verify);
    await sleepUntil(p.reviewed, 0);
    await complete(regiondir, recordId, 'region-review', reviewWithService);
    await sleepUntil(p.rectified, 0);
    await complete(hqvp, recordId, 'hq-late-rectify', rectify);
    await sleepUntil(p.revisited, 0);
    await complete(hqvp, recordId, 'hq-late-revisit', revisit);
    const ended = (await processIn(service1, processId, 'completed', 10_000)) as View;
    expect(ended.outcome).toBe('archived');
    expect(timelineRows(ended.timeline, pathEvents)).toEqual(longestPathTimeline(t0));
    const feeds: Record<string, { title: string }[]> = { regiondir: await feedOf(regiondir, recordId), dispatcher: await feedOf(dispatcher, recordId), hqvp: await feedOf(hqvp, recordId) };
    expect(longestPathNotices(t0).map(([, step, to, title]) => [ranAt(ended.timeline, step), step, to, feeds[to].find((n: { title: string }) => n.title === title)?.title])).toEqual(longestPathNotices(t0));
    expect(await historyRows(service1, 'complaint', recordId, ended.timeline)).toEqual(longestPathChanges(t0));
    expect(ended.tasks.map((t) => [t.step, t.status])).toEqual(longestPathTasks);
  }, 180_000);

  it('gives the same timeline, notices and field changes through POST /api/config/simulate', async () => {
    const [admin, sales1] = await Promise.all(['admin', 'sales1'].map((u) => stack.as(u)));
    const t0 = mondayAfter(Math.max(Date.now(), await env.currentTimeMs()) + 7 * day);
    const p = longestPath(t0);
    const customer = await createRecord(sales1, 'customer', { name: 'Simulated motorist' });
    const after = (iso: string) => `PT${(Date.parse(iso) - Date.parse(t0)) / 60_000}M`;
    const res = await admin.post('/api/config/simulate', {
      process: 'complaint-handling', requester: 'sales1', start: t0, until: 'P30D',
      record: { customer, channel: 'hotline_400', site: 'Station 12, Haikou', topic: 'service', description: 'Waited 20 minutes at pump 4, attendant was rude' },
      script: {
        tasks: [
          { step: 'fl-verify', ...verify, after: after(p.verified) },
          { step: 'region-review', ...reviewWithService, after: after(p.reviewed) },
          { step: 'hq-late-rectify', ...rectify, after: after(p.rectified) },
          { step: 'hq-late-revisit', ...revisit, after: after(p.revisited) },
        ],
      },
    });
    expect(res.status, JSON.stringify(res.body).slice(0, 1000)).toBe(200);
    const s = res.body as View & { notifications: { at: string; to: string; kind: string; title: string }[]; recordChanges: SimulatedChange[]; webhooks: { at: string; event: string; payload: { name?: string } }[] };
    expect(s).toMatchObject({ status: 'completed', outcome: 'archived' });
    expect(timelineRows(s.timeline, pathEvents)).toEqual(longestPathTimeline(t0));
    expect(s.notifications.filter((n) => n.kind === 'process.message').map((n) => [atMinute(Date.parse(n.at)), n.to, n.title]))
      .toEqual(longestPathNotices(t0).map(([at, , to, title]) => [at, to, title]));
    expect(simulatedRows(s.recordChanges, 'complaint')).toEqual(withoutStep(longestPathChanges(t0)));
    expect(s.tasks.map((t) => [t.step, t.status])).toEqual(longestPathTasks);
    expect(s.webhooks.filter((w) => w.event === 'process.webhook').map((w) => [atMinute(Date.parse(w.at)), w.payload.name])).toEqual([[atMinute(Date.parse(p.reviewed)), 'complaint.service_requested']]);
  }, 120_000);
});

describe('complaint handling: simulation', () => {
  it('gives the escalation path through POST /api/config/simulate: the same tasks, escalations, notifications and field changes at the same business times', async () => {
    const admin = await stack.as('admin');
    const monday = mondayAfter(Date.now() + 7 * day);
    const res = await admin.post('/api/config/simulate', {
      process: 'complaint-handling', requester: 'sales1', start: monday, until: 'P10D',
      record: { channel: 'hotline_400', site: 'Station 12, Haikou', topic: 'service', description: 'Waited 20 minutes at pump 4, attendant was rude',
        severity: 'normal', level: 'front_line', status: 'verifying', escalations: 0, slaBreached: false, serviceRequested: false },
      script: {
        tasks: [
          { step: 'fl-verify', ...verify },
          { step: 'region-review', ...review, after: 'PT26H' },
          { step: 'hq-rectify', ...rectify, after: 'P3DT2H' },
          { step: 'hq-revisit', ...revisit, after: 'P3DT2H' },
        ],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const simulated = res.body as View & {
      notifications: { at: string; to: string; title: string }[]; recordChanges: { at: string; entity: string; action: string; set: Record<string, unknown> }[];
    };
    expect(simulated).toMatchObject({ status: 'completed', outcome: 'archived' });
    expect(simulated.tasks.map((t) => [t.step, t.status])).toEqual(escalationTasks);
    expect(entriesOf(simulated, 'interrupted').map((e) => [e.step, e.detail?.goto])).toEqual(escalationInterruptions);
    expect(entriesOf(simulated, 'task-opened').map((e) => e.step)).toEqual(escalationOpened);

    // The same business times as the real run: front line due Tuesday 09:00 +08:00, region 2 business days later.
    const frontLineDue = addBusinessDuration(monday, 'P1D', business);
    const toRegion = entry(simulated, 'front-line', 'interrupted').at;
    expectBetween(toRegion, frontLineDue, plusMs(frontLineDue, 5000));
    const regionDue = addBusinessDuration(entry(simulated, 'to-region-notify', 'done').at, 'P2D', business);
    expectBetween(entry(simulated, 'region', 'interrupted').at, regionDue, plusMs(regionDue, 5000));

    const levels = simulated.recordChanges.filter((c) => c.entity === 'complaint' && 'level' in c.set).map((c) => [c.set.level, c.set.escalations]);
    expect(levels).toEqual([['region', 1], ['head_office', 2]]);
    const merged = Object.assign({}, ...simulated.recordChanges.filter((c) => c.entity === 'complaint').map((c) => c.set));
    expect(merged).toMatchObject({
      level: 'head_office', closedAtLevel: 'head_office', status: 'archived', verificationResult: 'confirmed', reviewResult: 'justified',
      rectification: rectify.data.rectification, revisitResult: 'satisfied', satisfaction: 4,
    });
    const titlesTo = (user: string) => simulated.notifications.filter((n) => n.to === user).map((n) => n.title);
    expect(titlesTo('regiondir')).toEqual(expect.arrayContaining(['Complaint escalated to the region: the front line missed its SLA (K-01)']));
    expect(titlesTo('hqvp')).toEqual(expect.arrayContaining(['Complaint escalated to head office: the region missed its SLA (K-01, K-04)']));
  }, 120_000);
});
