import { describe, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Stack } from '../support/stack-core.js';
import { useTimeSkippingStack, minute, hour, day } from '../support/time-skipping.js';
import { eventually, type HttpClient } from '../support/http.js';
import { createRecord, openTaskOf, processIn, processUrl } from '../support/processes.js';
import { historyRows, ranAt, type TimelineEntry, simulatedRows, withoutStep, type SimulatedChange } from '../support/run-timeline.js';
import { publishVariant } from '../support/config.js';
import { parts, nextMondayMorning, iso, m, steps, decisions, repairOrderTasks, repairOrderDecisions, moments, runEvents, requestTimeline, requestNotices, requestChanges, orderChanges } from '../support/repair-dispatch-path.js';


let env: TestWorkflowEnvironment;
let stack: Stack;

useTimeSkippingStack((started) => ({ env, stack } = started));

type Task = { id: string; step: string; assignee: string | null; candidates: string[] };

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

/** A sales contract of the customer, in a status that means sold unless told otherwise. */
async function newContract(customer: string, status = 'shipped') {
  return createRecord(await as('sales1'), 'contract', { customer, amount: 12_000, status, kind: 'contract' });
}

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

describe('repair dispatch: the longest path on the business calendar', () => {
  it('warns at the response time, escalates at the resolution time, charges parts and labour out of warranty, closes after feedback', async () => {
    const t0 = nextMondayMorning(await env.currentTimeMs());
    await sleepUntil(t0);
    const now0 = await env.currentTimeMs();
    const sales1 = await as('sales1');
    const customer = await createRecord(sales1, 'customer', { name: 'Sanya resort' });
    const product = await newProduct(customer, localDate(now0, -365)); // the warranty ended today (half-open, S-20)
    const contract = await newContract(customer); // conforms: the check lets it through to the warranty (S-02)
    const recordId = await createRecord(sales1, 'service-request', { customer, installedProduct: product, contract, priority: 'high', source: 'web', description: 'Switchboard trips' });
    const processId = `repair-dispatch:service-request:${recordId}`;
    const [service1, dispatcher, tech1, admin] = await Promise.all(['service1', 'dispatcher', 'tech1', 'admin'].map(as));
    await openTaskOf(service1, recordId, 'triage', 10_000);
    expect(await recordOf('service-request', recordId)).toMatchObject({ inWarranty: false, status: 'new' });

    const { response, resolution } = moments(t0);
    await sleepUntil(response + minute);
    await eventually(async () => ((await service1.get('/api/notifications')).body.items as { title: string }[]).some((n) => n.title.startsWith('Service request not yet triaged')), 10_000);
    const orderId = await toDispatch(recordId, 'electrical');
    const dispatch = await openTaskOf(tech1, orderId, 'dispatch-electrical', 10_000);
    await complete(tech1, dispatch);
    await openTaskOf(tech1, orderId, 'repair', 10_000);

    await sleepUntil(resolution + minute);
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
    expect(steps(ended.timeline, runEvents)).toEqual(requestTimeline(t0));
    const feeds = Object.fromEntries(await Promise.all(['service1', 'dispatcher'].map(async (u) => [u, await (await as(u)).get('/api/notifications')] as const)))
    expect(requestNotices(t0).map(([, step, to, title]) => [ranAt(ended.timeline, step), step, to,
      (feeds[to].body.items as { title: string; link?: { recordId?: string } }[]).find((n) => n.title === title && n.link?.recordId === recordId)?.title])).toEqual(requestNotices(t0));
    expect(steps(order.timeline, ['task-opened', 'task-completed'])).toEqual(repairOrderTasks(m(moments(t0).triaged), m(moments(t0).repaired)));
    expect(decisions(order.timeline)).toEqual(repairOrderDecisions);
    const changes = await historyRows(admin, 'service-request', recordId, ended.timeline);
    expect(changes).toEqual(requestChanges(t0));
    expect(changes[2][3]).toEqual({ repairOrder: orderId });
    expect(await historyRows(admin, 'repair-order', orderId, order.timeline)).toEqual(orderChanges(t0));
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

describe('repair dispatch: the sales contract check (S-02)', () => {
  const decided = async (processId: string) => ((await (await as('admin')).get(processUrl(processId))).body.timeline as TimelineEntry[])
    .filter((e) => e.event === 'decided' && ['contract-named', 'contract-check', 'non-conforming-route'].includes(e.step)).map((e) => [e.step, e.detail?.goto ?? null]);

  it('accepts a request on the customer\'s sold contract and product, and serves one naming another customer\'s contract as chargeable, with the reason', async () => {
    const sales1 = await as('sales1');
    const customer = await createRecord(sales1, 'customer', { name: 'Qionghai clinic' });
    const other = await createRecord(sales1, 'customer', { name: 'Wenchang port' });
    const product = await newProduct(customer, localDate(await env.currentTimeMs(), -30));

    const conforming = await newRequest({ customer, installedProduct: product, contract: await newContract(customer, 'paid'), priority: 'normal' });
    await eventually(async () => (await recordOf('service-request', conforming.recordId)).inWarranty === true, 10_000);
    expect(await decided(conforming.processId)).toEqual([['contract-named', 'read-contract'], ['contract-check', 'check-warranty']]);
    const orderId = await toDispatch(conforming.recordId, 'hvac');
    const accepted = await recordOf('service-request', conforming.recordId);
    expect(accepted).toMatchObject({ status: 'assigned', inWarranty: true, repairOrder: orderId });
    expect(accepted.chargeable).toBeUndefined();
    expect(accepted.nonConformity).toBeUndefined();
    expect(await recordOf('repair-order', orderId)).toMatchObject({ warranty: true });

    const foreign = await newRequest({ customer, installedProduct: product, contract: await newContract(other), priority: 'normal' });
    await eventually(async () => (await recordOf('service-request', foreign.recordId)).chargeable === true, 10_000);
    expect(await recordOf('service-request', foreign.recordId)).toMatchObject({
      status: 'new', chargeable: true, inWarranty: false, nonConformity: 'The sales contract belongs to another customer (S-02)',
    });
    expect(await decided(foreign.processId)).toEqual([['contract-named', 'read-contract'], ['contract-check', 'non-conforming-route'], ['non-conforming-route', 'charge-non-conforming']]);
    const chargedOrder = await toDispatch(foreign.recordId, 'hvac'); // in warranty by the product, but served for a fee
    expect(await recordOf('repair-order', chargedOrder)).toMatchObject({ warranty: false });

    const unsold = await newRequest({ customer, contract: await newContract(customer, 'drafting'), priority: 'normal' });
    await eventually(async () => (await recordOf('service-request', unsold.recordId)).chargeable === true, 10_000);
    expect((await recordOf('service-request', unsold.recordId)).nonConformity).toMatch(/^The sales contract is not sold/);

    const otherProduct = await newProduct(other, localDate(await env.currentTimeMs(), -30));
    const wrongGoods = await newRequest({ customer, installedProduct: otherProduct, contract: await newContract(customer), priority: 'normal' });
    await eventually(async () => (await recordOf('service-request', wrongGoods.recordId)).chargeable === true, 10_000);
    expect((await recordOf('service-request', wrongGoods.recordId)).nonConformity).toBe('The installed product belongs to another customer (S-02)');
    for (const { processId } of [foreign, unsold, wrongGoods]) expect((await (await as('admin')).post(`${processUrl(processId)}/cancel`, { reason: 'test over' })).status).toBe(200);
  }, 120_000);

  it('rejects a non-conforming request with the reason once an admin sets nonConforming to reject', async () => {
    const setRule = (value: string) => publishVariant(stack, (bundle) => { bundle.processes['repair-dispatch'].variables.nonConforming.default = value; });
    await setRule('reject');
    try {
      const sales1 = await as('sales1');
      const customer = await createRecord(sales1, 'customer', { name: 'Danzhou farm' });
      const other = await createRecord(sales1, 'customer', { name: 'Lingshui hotel' });
      const { recordId, processId } = await newRequest({ customer, contract: await newContract(other), priority: 'low' });
      const service1 = await as('service1');
      await eventually(async () => (await (await as('admin')).get(processUrl(processId))).body.listening?.includes('customer_feedback'), 10_000);
      const record = await recordOf('service-request', recordId);
      expect(record).toMatchObject({ status: 'suspended', rejectReason: 'The sales contract belongs to another customer (S-02)', nonConformity: 'The sales contract belongs to another customer (S-02)' });
      expect(record.chargeable).toBeUndefined();
      expect(record.repairOrder).toBeUndefined();
      expect(await decided(processId)).toEqual([['contract-named', 'read-contract'], ['contract-check', 'non-conforming-route'], ['non-conforming-route', 'reject-non-conforming']]);
      expect(((await service1.get('/api/inbox')).body.items as { recordId: string; step: string }[]).some((t) => t.recordId === recordId && t.step === 'triage')).toBe(false);
      // no service agent took part in the run: the sales rep who recorded the request passes the customer's answer on
      expect((await sales1.post(`${processUrl(processId)}/events/customer_feedback`, { text: 'we will send the right contract' })).status).toBe(202);
      await complete(service1, await openTaskOf(service1, recordId, 'close', 10_000), { outcome: 'closed_unresolved' });
      await complete(service1, await openTaskOf(service1, recordId, 'survey', 10_000), { data: { satisfaction: 3 } });
      await processIn(await as('admin'), processId, 'completed', 10_000);
    } finally {
      await setRule('chargeable');
    }
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

type Simulated = {
  status: string; outcome: string; timeline: (TimelineEntry & { process?: string })[];
  tasks: { step: string; status: string; process?: string }[];
  notifications: { at: string; to: string; kind: string; title: string; process?: string }[];
  recordChanges: SimulatedChange[];
};

describe('repair dispatch: simulation of the longest path', () => {
  it('gives the real run\'s timeline through POST /api/config/simulate, its repair-order-flow and warranty-check sub-processes included', async () => {
    const [admin, sales1] = await Promise.all(['admin', 'sales1'].map(as));
    const t0 = nextMondayMorning(Math.max(Date.now(), await env.currentTimeMs()) + 7 * day);
    const customer = await createRecord(sales1, 'customer', { name: 'Simulated resort' });
    const product = await newProduct(customer, localDate(t0, -365));
    const contract = await newContract(customer);
    const { triaged, repaired, feedback } = moments(t0);
    const after = (ms: number) => `PT${(ms - t0) / minute}M`;
    const repairOrder = 'repair-order-flow';
    const res = await admin.post('/api/config/simulate', {
      process: 'repair-dispatch', requester: 'sales1', start: iso(t0), until: 'P30D',
      record: { customer, installedProduct: product, contract, priority: 'high', source: 'web', description: 'Switchboard trips' },
      script: {
        tasks: [
          { step: 'triage', outcome: 'accept', data: { requiredSkill: 'electrical' }, after: after(triaged) },
          { process: repairOrder, step: 'diagnosis', data: { diagnosis: 'faulty', requiredSkill: 'electrical', defect: 'compressor relay' }, after: after(triaged) },
          { process: repairOrder, step: 'dispatch-electrical', after: after(triaged) },
          { process: repairOrder, step: 'repair', data: { parts: parts.slice(0, 1), labourFee: 100, solution: 'relay' }, after: after(repaired) },
          { process: repairOrder, step: 'inspection', outcome: 'redo', after: after(repaired) },
          { process: repairOrder, step: 'repair', data: { parts, labourFee: 200, solution: 'replaced relay and fan motor' }, after: after(repaired) },
          { process: repairOrder, step: 'inspection', outcome: 'pass', after: after(repaired) },
          { step: 'close', outcome: 'closed', after: after(feedback) },
          { step: 'survey', data: { satisfaction: 4 }, after: after(feedback) },
        ],
        events: [{ name: 'customer_feedback', payload: { text: 'works' }, after: after(feedback) }],
      },
    });
    expect(res.status, JSON.stringify(res.body).slice(0, 1500)).toBe(200);
    const s = res.body as Simulated;
    expect(s, JSON.stringify({ ...s, timeline: s.timeline.slice(-6) }).slice(0, 1500)).toMatchObject({ status: 'completed', outcome: 'completed' });
    const own = s.timeline.filter((e) => !e.process);
    const ofOrder = s.timeline.filter((e) => e.process === repairOrder);
    expect(steps(own, runEvents)).toEqual(requestTimeline(t0));
    expect(steps(ofOrder, ['task-opened', 'task-completed'])).toEqual(repairOrderTasks(m(triaged), m(repaired)));
    expect(decisions(ofOrder)).toEqual(repairOrderDecisions);
    expect(s.timeline.filter((e) => e.process === 'warranty-check' && e.event === 'decided').map((e) => [m(Date.parse(e.at)), e.step])).toEqual([[m(t0), expect.any(String)]]);
    // one timeline in time order: the repair order's entries lie between the triage and the end of the repair subprocess
    expect(s.timeline.map((e) => Date.parse(e.at))).toEqual(s.timeline.map((e) => Date.parse(e.at)).sort((a, b) => a - b));
    const index = (pick: (e: Simulated['timeline'][number]) => boolean) => s.timeline.findIndex(pick);
    expect(index((e) => e.process === repairOrder)).toBeGreaterThan(index((e) => !e.process && e.step === 'triage' && e.event === 'task-completed'));
    expect(s.timeline.findLastIndex((e) => e.process === repairOrder)).toBeLessThan(index((e) => !e.process && e.step === 'repair' && e.event === 'child-ended'));

    const notices = s.notifications.filter((n) => n.kind === 'process.message').map((n) => [m(Date.parse(n.at)), n.to, n.title]);
    expect(notices).toEqual(requestNotices(t0).map(([at, , to, title]) => [at, to, title]));
    const updates = (entity: string) => s.recordChanges.filter((c) => c.entity === entity && c.action === 'update');
    expect(simulatedRows(s.recordChanges, 'service-request')).toEqual(withoutStep(requestChanges(t0)));
    expect(updates('service-request').every((c) => !c.process)).toBe(true);
    expect(s.recordChanges.filter((c) => c.entity === 'repair-order' && c.action === 'create')).toEqual([expect.objectContaining({ actor: 'system', set: expect.objectContaining({ requiredSkill: 'electrical', warranty: false }) })]);
    expect(simulatedRows(s.recordChanges, 'repair-order')).toEqual(withoutStep(orderChanges(t0)));
    expect(updates('repair-order').every((c) => c.process === repairOrder)).toBe(true);
    expect(s.tasks.map((t) => [t.process ?? 'repair-dispatch', t.step, t.status])).toEqual([
      ['repair-dispatch', 'triage', 'completed'],
      ...['diagnosis', 'dispatch-electrical', 'repair', 'inspection', 'repair', 'inspection'].map((step) => [repairOrder, step, 'completed']),
      ['repair-dispatch', 'close', 'completed'], ['repair-dispatch', 'survey', 'completed'],
    ]);
  }, 120_000);

  it('refuses a script that names an unknown step or process of the subprocess, with its pointer', async () => {
    const res = await (await as('admin')).post('/api/config/simulate', {
      process: 'repair-dispatch', record: { customer: crypto.randomUUID(), priority: 'high', source: 'web', description: 'x' },
      script: { tasks: [{ process: 'repair-order-flow', step: 'diagnose' }, { process: 'quote-approval', step: 'branch' }, { step: 'diagnosis' }] },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([
      expect.objectContaining({ path: '/script/tasks/0/step', message: expect.stringContaining('process repair-order-flow has no task or approval step "diagnose"') }),
      expect.objectContaining({ path: '/script/tasks/1/process' }),
      expect.objectContaining({ path: '/script/tasks/2/step', message: expect.stringContaining('it is in repair-order-flow') }),
    ]);
  }, 60_000);
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
