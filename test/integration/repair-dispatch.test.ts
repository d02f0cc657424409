import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Stack } from '../support/stack-core.js';
import { startTimeSkippingStack, minute, hour, day } from '../support/time-skipping.js';
import { eventually, type HttpClient } from '../support/http.js';
import { createRecord, openTaskOf, processIn, processUrl } from '../support/processes.js';


let env: TestWorkflowEnvironment;
let stack: Stack;

let stopAll: () => Promise<void>;

beforeAll(async () => {
  ({ env, stack, stop: stopAll } = await startTimeSkippingStack());
}, 120_000);

afterAll(async () => {
  await stopAll?.();
});

type Task = { id: string; step: string; assignee: string | null; candidates: string[] };
type TimelineEntry = { step: string; event: string; at: string; detail?: Record<string, unknown> };

/** The local (Beijing, +08:00) calendar date of an instant, shifted by whole days. */
const localDate = (ms: number, days = 0) => new Date(ms + 8 * hour + days * day).toISOString().slice(0, 10);

async function sleepUntil(ms: number) {
  const left = ms - (await env.currentTimeMs());
  if (left > 0) await env.sleep(left);
}

async function complete(client: HttpClient, task: Task, body: Record<string, unknown> = {}) {
  const res = await client.post(`/api/tasks/${task.id}/complete`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

const as = (user: string) => stack.as(user);
const recordOf = async (entity: string, id: string) => (await (await as('admin')).get(`/api/records/${entity}/${id}`)).body.data;

async function newRequest(data: Record<string, unknown>) {
  const sales1 = await as('sales1');
  const customer = await createRecord(sales1, 'customer', { name: `Haikou hotel ${Math.random().toString(36).slice(2, 7)}` });
  const recordId = await createRecord(sales1, 'service-request', { customer, source: 'phone', description: 'Air conditioning blows warm air', ...data });
  const processId = `repair-dispatch:service-request:${recordId}`;
  await eventually(async () => (await (await as('admin')).get(processUrl(processId))).status === 200, 10_000);
  return { recordId, processId, customer };
}

async function newProduct(customer: string, shippedAt: string, warrantyDays = 365) {
  return createRecord(await as('sales1'), 'installed-product', { serialNumber: `SN-${Math.random().toString(36).slice(2, 9)}`, customer, shippedAt, warrantyDays });
}

/** Triage (service agent) and diagnosis (dispatcher) up to the dispatch task; returns the repair order id. */
async function toDispatch(recordId: string, skill: string) {
  await complete(await as('service1'), await openTaskOf(await as('service1'), recordId, 'triage', 10_000), { outcome: 'accept', data: { requiredSkill: skill } });
  const orderId = await eventually(async () => (await recordOf('service-request', recordId)).repairOrder as string | undefined, 10_000);
  await complete(await as('dispatcher'), await openTaskOf(await as('dispatcher'), orderId, 'diagnosis', 10_000), { data: { diagnosis: 'faulty', requiredSkill: skill, defect: 'compressor relay' } });
  return orderId;
}

const parts = [
  { partNo: 'CMP-220', partName: 'Compressor relay', quantity: 2, unitPrice: 150, discount: 0.1, confirmed: true, packed: false },
  { partNo: 'FAN-7', partName: 'Fan motor', quantity: 1, unitPrice: 80, discount: 0, confirmed: true, packed: true },
];

/** The technician repairs, the dispatcher inspects and passes; waits for the request to be handled. */
async function repairAndInspect(recordId: string, orderId: string, technician: string) {
  await complete(await as(technician), await openTaskOf(await as(technician), orderId, 'repair', 10_000), { data: { parts, labourFee: 200, solution: 'replaced relay and fan motor' } });
  await complete(await as('dispatcher'), await openTaskOf(await as('dispatcher'), orderId, 'inspection', 10_000), { outcome: 'pass' });
  await eventually(async () => (await recordOf('service-request', recordId)).status === 'handled', 10_000);
}

async function openTasksOf(user: string) {
  return ((await (await as(user)).get('/api/inbox')).body.items as { status: string }[]).filter((t) => t.status === 'open' || t.status === 'claimed').length;
}

describe('repair dispatch: least open load, acceptance window, close after feedback', () => {
  it('sends an hvac request to the less loaded hvac technician, moves it on when not accepted in 2 h, and refuses to close before feedback', async () => {
    // tech1 (hvac, electrical) holds 3 open repair orders, before a second hvac technician exists
    for (let i = 0; i < 3; i++) {
      const { recordId } = await newRequest({ priority: 'low' });
      const orderId = await toDispatch(recordId, 'hvac');
      const dispatch = await openTaskOf(await as('tech1'), orderId, 'dispatch-hvac', 10_000);
      expect(dispatch).toMatchObject({ assignee: 'tech1', candidates: ['tech1'] });
      await complete(await as('tech1'), dispatch);
      await openTaskOf(await as('tech1'), orderId, 'repair', 10_000);
    }
    await stack.orm.em.fork().getConnection().execute(
      `insert into users (username, display_name, roles, manager, password_hash, attributes, active, created_at)
       select 'tech3', 'Tech Three', '["technician"]'::jsonb, 'dispatcher', password_hash, '{"skills": ["hvac"]}'::jsonb, true, now() from users where username = 'tech1'`);
    // ... and tech3 (hvac) one
    {
      const { recordId } = await newRequest({ priority: 'low' });
      const orderId = await toDispatch(recordId, 'hvac');
      const dispatch = await openTaskOf(await as('tech3'), orderId, 'dispatch-hvac', 10_000);
      expect(dispatch).toMatchObject({ assignee: 'tech3', candidates: ['tech3'] });
      await complete(await as('tech3'), dispatch);
      await openTaskOf(await as('tech3'), orderId, 'repair', 10_000);
    }
    expect([await openTasksOf('tech1'), await openTasksOf('tech3')]).toEqual([3, 1]);

    const { recordId, processId } = await newRequest({ priority: 'medium' });
    const orderId = await toDispatch(recordId, 'hvac');
    const offered = await openTaskOf(await as('tech3'), orderId, 'dispatch-hvac', 10_000);
    expect(offered).toMatchObject({ assignee: 'tech3', candidates: ['tech3'] });
    expect(((await (await as('tech1')).get('/api/inbox')).body.items as Task[]).some((t) => t.id === offered.id)).toBe(false);
    expect(((await (await as('tech2')).get('/api/inbox')).body.items as Task[]).some((t) => t.id === offered.id)).toBe(false);

    await env.sleep(2 * hour + minute);
    const moved = await openTaskOf(await as('tech1'), orderId, 'dispatch-hvac', 10_000);
    expect(moved).toMatchObject({ id: offered.id, assignee: 'tech1' });
    expect((await (await as('tech3')).post(`/api/tasks/${offered.id}/complete`, {})).status).toBe(403);
    expect((await (await as('tech1')).post(`/api/tasks/${offered.id}/claim`, {})).status).toBe(200);
    await complete(await as('tech1'), moved);
    await eventually(async () => (await recordOf('repair-order', orderId)).technician === 'tech1', 10_000);
    expect((await recordOf('repair-order', orderId)).status).toBe('dispatched');
    await repairAndInspect(recordId, orderId, 'tech1');

    // handled, but no feedback yet: no close task, and the status cannot be written to closed
    const service1 = await as('service1');
    await eventually(async () => (await service1.get(processUrl(processId))).body.listening?.includes('customer_feedback'), 10_000);
    expect(((await service1.get('/api/inbox')).body.items as { recordId: string; step: string }[]).some((t) => t.recordId === recordId && t.step === 'close')).toBe(false);
    const refused = await service1.patch(`/api/records/service-request/${recordId}`, { status: 'closed' });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toContainEqual(expect.objectContaining({ path: '/status', code: 'READ_ONLY_FIELD' }));
    await env.sleep(3 * day);
    expect((await recordOf('service-request', recordId)).status).toBe('handled');
    expect(((await service1.get('/api/inbox')).body.items as { recordId: string; step: string }[]).some((t) => t.recordId === recordId && t.step === 'close')).toBe(false);

    expect((await service1.post(`${processUrl(processId)}/events/customer_feedback`, { text: 'cold again, thanks' })).status).toBe(202);
    const close = await openTaskOf(service1, recordId, 'close', 10_000);
    expect(await recordOf('service-request', recordId)).toMatchObject({ feedbackReceived: true, feedback: 'cold again, thanks', status: 'handled' });
    await complete(service1, close, { outcome: 'closed' });
    await complete(service1, await openTaskOf(service1, recordId, 'survey', 10_000), { data: { satisfaction: 5 } });
    const ended = await processIn(service1, processId, 'completed', 10_000);
    expect(await recordOf('service-request', recordId)).toMatchObject({ status: 'closed', satisfaction: 5 });
    const child = (await (await as('admin')).get(`/api/processes?entity=repair-order&recordId=${orderId}`)).body.items[0];
    const order = (await (await as('admin')).get(processUrl(child.id))).body;
    expect(order.timeline.filter((e: TimelineEntry) => e.event === 'reassigned')).toEqual([
      expect.objectContaining({ step: 'dispatch-hvac', detail: expect.objectContaining({ from: ['tech3'], to: 'tech1', reason: 'not accepted in time' }) }),
    ]);
    expect(ended.tasks.map((t: { step: string; status: string }) => [t.step, t.status])).toEqual([['triage', 'completed'], ['close', 'completed'], ['survey', 'completed']]);
  }, 240_000);
});

/** The next Monday 09:00 in Beijing (01:00 UTC) after `ms`: a working morning of the business calendar. */
function nextMondayMorning(ms: number) {
  const d = new Date(ms);
  const base = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 1);
  for (let i = 1; i <= 8; i++) {
    const at = base + i * day;
    if (new Date(at).getUTCDay() === 1) return at;
  }
  throw new Error('no Monday');
}
const iso = (ms: number) => new Date(ms).toISOString();

const m = (ms: number) => iso(Math.floor(ms / minute) * minute);
const steps = (timeline: TimelineEntry[], events: string[]) =>
  timeline.filter((e) => events.includes(e.event)).map((e) => [m(Date.parse(e.at)), e.step, e.event]);
const decisions = (timeline: TimelineEntry[]) => timeline.filter((e) => e.event === 'decided').map((e) => [e.step, e.detail?.goto ?? null]);

/** The repair order's tasks on the longest path: dispatched at one minute, repaired (twice, one inspection sent back) at another. */
const repairOrderTasks = (dispatched: string, repaired: string) => [
  [dispatched, 'diagnosis', 'task-opened'], [dispatched, 'diagnosis', 'task-completed'],
  [dispatched, 'dispatch-electrical', 'task-opened'], [dispatched, 'dispatch-electrical', 'task-completed'],
  [dispatched, 'repair', 'task-opened'], [repaired, 'repair', 'task-completed'],
  [repaired, 'inspection', 'task-opened'], [repaired, 'inspection', 'task-completed'],
  [repaired, 'repair', 'task-opened'], [repaired, 'repair', 'task-completed'],
  [repaired, 'inspection', 'task-opened'], [repaired, 'inspection', 'task-completed'],
];
const repairOrderDecisions = [['needs-repair', null], ['route-skill', 'dispatch-electrical'], ['inspection-route', 'repair'], ['inspection-route', null], ['settle-route', 'settle-chargeable']];

describe('repair dispatch: the longest path on the business calendar', () => {
  it('warns at the response time, escalates at the resolution time, charges parts and labour out of warranty, closes after feedback', async () => {
    const t0 = nextMondayMorning(await env.currentTimeMs());
    await sleepUntil(t0);
    const now0 = await env.currentTimeMs();
    const sales1 = await as('sales1');
    const customer = await createRecord(sales1, 'customer', { name: 'Sanya resort' });
    const product = await newProduct(customer, localDate(now0, -365)); // the warranty ended today (half-open, S-20)
    const recordId = await createRecord(sales1, 'service-request', { customer, installedProduct: product, priority: 'high', source: 'web', description: 'Switchboard trips' });
    const processId = `repair-dispatch:service-request:${recordId}`;
    const [service1, dispatcher, tech1, admin] = await Promise.all(['service1', 'dispatcher', 'tech1', 'admin'].map(as));
    await openTaskOf(service1, recordId, 'triage', 10_000);
    expect(await recordOf('service-request', recordId)).toMatchObject({ inWarranty: false, status: 'new' });

    await sleepUntil(t0 + 5 * hour + minute); // 4 working hours: 09:00-12:00 and 13:00-14:00
    await eventually(async () => ((await service1.get('/api/notifications')).body.items as { title: string }[]).some((n) => n.title.startsWith('Service request not yet triaged')), 10_000);
    const orderId = await toDispatch(recordId, 'electrical');
    const dispatch = await openTaskOf(tech1, orderId, 'dispatch-electrical', 10_000);
    await complete(tech1, dispatch);
    await openTaskOf(tech1, orderId, 'repair', 10_000);

    await sleepUntil(t0 + 3 * day + minute); // 24 working hours: Monday 09:00 to Wednesday 18:00 Beijing, due at the next working minute
    await eventually(async () => (await recordOf('service-request', recordId)).status === 'escalated', 10_000);
    expect((await recordOf('service-request', recordId)).slaBreached).toBe(true);
    await eventually(async () => ((await dispatcher.get('/api/notifications')).body.items as { title: string }[]).some((n) => n.title.startsWith('Service request escalated')), 10_000);

    await complete(tech1, await openTaskOf(tech1, orderId, 'repair', 10_000), { data: { parts: parts.slice(0, 1), labourFee: 100, solution: 'relay' } });
    await complete(dispatcher, await openTaskOf(dispatcher, orderId, 'inspection', 10_000), { outcome: 'redo' });
    await repairAndInspect(recordId, orderId, 'tech1');
    expect(await recordOf('repair-order', orderId)).toMatchObject({
      status: 'closed', diagnosis: 'faulty', technician: 'tech1', warranty: false, labourFee: 200, partsFee: 350, totalFee: 550, inspectionPassed: true,
      parts: [expect.objectContaining({ partNo: 'CMP-220', fee: 270 }), expect.objectContaining({ partNo: 'FAN-7', fee: 80 })],
    });
    await env.sleep(day);
    expect((await service1.post('/api/events/customer_feedback', { entity: 'service-request', recordId, payload: { text: 'works' } })).status).toBe(202);
    await complete(service1, await openTaskOf(service1, recordId, 'close', 10_000), { outcome: 'closed' });
    await complete(service1, await openTaskOf(service1, recordId, 'survey', 10_000), { data: { satisfaction: 4 } });
    const ended = await processIn(admin, processId, 'completed', 10_000);
    const child = (await admin.get(`/api/processes?entity=repair-order&recordId=${orderId}`)).body.items[0];
    const order = (await admin.get(processUrl(child.id))).body;
    const history = (await admin.get(`/api/records/service-request/${recordId}/history`)).body.items;
    const response = t0 + 5 * hour; // Monday 14:00 Beijing
    const triaged = response + minute;
    const resolution = t0 + 3 * day; // Thursday 09:00 Beijing
    const repaired = resolution + minute;
    const feedback = repaired + day;
    expect(steps(ended.timeline, ['task-opened', 'task-completed', 'timer-fired', 'child-ended', 'received'])).toEqual([
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
    ]);
    expect(ended.timeline.filter((e: TimelineEntry) => e.step === 'sla-warn' || e.step === 'sla-escalate').map((e: TimelineEntry) => [m(Date.parse(e.at)), e.step, e.event]))
      .toEqual([[m(response), 'sla-warn', 'done'], [m(resolution), 'sla-escalate', 'done']]);
    expect(steps(order.timeline, ['task-opened', 'task-completed'])).toEqual(repairOrderTasks(m(triaged), m(repaired)));
    expect(decisions(order.timeline)).toEqual(repairOrderDecisions);
    const changes = (history as { action: string; actor: string; changes: Record<string, { after: unknown }>; context?: { step?: string } }[])
      .filter((h) => h.action === 'update')
      .map((h) => [h.context?.step, h.actor, Object.fromEntries(Object.entries(h.changes).map(([k, v]) => [k, v.after]))]);
    expect(changes).toEqual([
      ['record-warranty', 'system', { startedAt: expect.stringMatching(new RegExp(`^${m(t0).slice(0, 16)}`)), inWarranty: false }],
      ['triage', 'service1', { status: 'assigned', rejectReason: '', requiredSkill: 'electrical' }],
      ['link-order', 'system', { repairOrder: orderId }],
      ['sla-breached', 'system', { status: 'escalated', slaBreached: true }],
      ['handled', 'system', { status: 'handled' }],
      ['record-feedback', 'system', { feedback: 'works', feedbackReceived: true }],
      ['close', 'service1', { status: 'closed', endedAt: expect.stringMatching(new RegExp(`^${m(feedback).slice(0, 16)}`)) }],
      ['survey', 'service1', { satisfaction: 4 }],
    ]);
    expect(ended.tasks.map((t: { step: string; status: string }) => [t.step, t.status])).toEqual([['triage', 'completed'], ['close', 'completed'], ['survey', 'completed']]);
  }, 240_000);
});

describe('repair dispatch: warranty and settlement (S-20, S-21)', () => {
  it('charges nothing on the last day of warranty (shipment + warranty days, half-open) though the part fees are recorded', async () => {
    const now = await env.currentTimeMs();
    const sales1 = await as('sales1');
    const customer = await createRecord(sales1, 'customer', { name: 'Wanning school' });
    const product = await newProduct(customer, localDate(now, -364));
    const { recordId } = await newRequest({ installedProduct: product, customer, priority: 'normal' });
    await eventually(async () => (await recordOf('service-request', recordId)).inWarranty === true, 10_000);
    const orderId = await toDispatch(recordId, 'mechanical');
    const tech2 = await as('tech2');
    await complete(tech2, await openTaskOf(tech2, orderId, 'dispatch-mechanical', 10_000));
    await repairAndInspect(recordId, orderId, 'tech2');
    expect(await recordOf('repair-order', orderId)).toMatchObject({
      status: 'closed', warranty: true, technician: 'tech2', labourFee: 200, partsFee: 0, totalFee: 0,
      parts: [expect.objectContaining({ fee: 270, confirmed: true, packed: false }), expect.objectContaining({ fee: 80, packed: true })],
    });
  }, 120_000);

  it('treats a request without an installed product as chargeable, and a rejected request still closes only after feedback', async () => {
    const { recordId: chargeable } = await newRequest({ priority: 'normal' });
    await eventually(async () => (await recordOf('service-request', chargeable)).inWarranty === false, 10_000);
    const { recordId, processId } = await newRequest({ priority: 'low' });
    const service1 = await as('service1');
    await complete(service1, await openTaskOf(service1, recordId, 'triage', 10_000), { outcome: 'reject', data: { requiredSkill: 'hvac', rejectReason: 'no contract for this unit' } });
    await eventually(async () => (await (await as('admin')).get(processUrl(processId))).body.listening?.includes('customer_feedback'), 10_000);
    const record = await recordOf('service-request', recordId);
    expect(record).toMatchObject({ status: 'suspended', rejectReason: 'no contract for this unit' });
    expect(record.repairOrder).toBeUndefined();
    expect(((await service1.get('/api/inbox')).body.items as { recordId: string; step: string }[]).some((t) => t.recordId === recordId && t.step === 'close')).toBe(false);
    expect((await service1.post(`${processUrl(processId)}/events/customer_feedback`, { text: 'understood' })).status).toBe(202);
    await complete(service1, await openTaskOf(service1, recordId, 'close', 10_000), { outcome: 'closed_unresolved' });
    await complete(service1, await openTaskOf(service1, recordId, 'survey', 10_000), { data: { satisfaction: 2 } });
    await processIn(await as('admin'), processId, 'completed', 10_000);
    expect(await recordOf('service-request', recordId)).toMatchObject({ status: 'closed_unresolved', feedbackReceived: true, satisfaction: 2 });
  }, 120_000);
});

describe('repair dispatch: simulation', () => {
  it('simulates the repair order on POST /api/config/simulate with the same tasks and decisions at the same times as the real run', async () => {
    const admin = await as('admin');
    const start = nextMondayMorning(await env.currentTimeMs() + 7 * day);
    const res = await admin.post('/api/config/simulate', {
      process: 'repair-order-flow', requester: 'sales1', start: iso(start), until: 'P30D',
      record: { serviceRequestNo: 'SR-2026-999999', requiredSkill: 'electrical', warranty: false, parts: [], labourFee: 0 },
      script: {
        tasks: [
          { step: 'diagnosis', data: { diagnosis: 'faulty', requiredSkill: 'electrical' } },
          { step: 'dispatch-electrical' },
          { step: 'repair', data: { parts: parts.slice(0, 1), labourFee: 100, solution: 'relay' }, after: 'P3D' },
          { step: 'inspection', outcome: 'redo' },
          { step: 'repair', data: { parts, labourFee: 200, solution: 'replaced relay and fan motor' }, after: 'P3D' },
          { step: 'inspection', outcome: 'pass' },
        ],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', outcome: 'settled' });
    expect(steps(res.body.timeline, ['task-opened', 'task-completed'])).toEqual(repairOrderTasks(m(start), m(start + 3 * day)));
    expect(decisions(res.body.timeline)).toEqual(repairOrderDecisions);
  }, 120_000);
});

describe('repair dispatch: an SLA figure changed in configuration', () => {
  it('applies a published response time to new requests while a running one keeps its version', async () => {
    const admin = await as('admin');
    const t0 = nextMondayMorning(await env.currentTimeMs());
    await sleepUntil(t0);
    const before = await newRequest({ priority: 'high' });
    const { version, hash: _hash, ...bundle } = (await admin.get('/api/config')).body;
    const sla = bundle.processes['repair-dispatch'].steps[0].branches[1] as { id: string; for?: string }[];
    sla.find((s) => s.id === 'sla-high-response')!.for = 'PT2H';
    expect((await admin.post('/api/config/publish', bundle)).status).toBe(201);
    const after = await newRequest({ priority: 'high' });

    const response = async (processId: string) => (await admin.get(processUrl(processId))).body.timeline
      .find((e: TimelineEntry) => e.step === 'sla-high-response' && e.event === 'waiting')?.detail?.until as string | undefined;
    const [oldRun, newRun] = await Promise.all([before, after].map(async ({ processId }) => (await admin.get(processUrl(processId))).body));
    expect(newRun.configVersion).toBeGreaterThan(oldRun.configVersion);
    expect(oldRun.configVersion).toBe(version);
    expect(m(Date.parse((await response(before.processId))!))).toBe(m(t0 + 5 * hour)); // 4 working hours: 14:00 Beijing
    expect(m(Date.parse((await response(after.processId))!))).toBe(m(t0 + 2 * hour)); // 2 working hours: 11:00 Beijing

    await sleepUntil(t0 + 2 * hour + minute);
    const fired = async (processId: string) => (await admin.get(processUrl(processId))).body.timeline.some((e: TimelineEntry) => e.step === 'sla-warn' && e.event === 'done');
    await eventually(() => fired(after.processId), 10_000);
    expect(await fired(before.processId)).toBe(false);
    await sleepUntil(t0 + 5 * hour + minute);
    await eventually(() => fired(before.processId), 10_000);
    for (const { processId } of [before, after]) expect((await admin.post(`${processUrl(processId)}/cancel`, { reason: 'test over' })).status).toBe(200);
  }, 120_000);
});
