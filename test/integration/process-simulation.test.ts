import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { fileURLToPath } from 'node:url';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { buildApp } from '../../engine/api/app.js';
import { startStackWith, type Stack } from '../support/stack-core.js';
import { publishVariant } from '../support/config.js';
import { eventually } from '../support/http.js';
import { flowcrm } from '../support/cli.js';
import { quoteData } from '../support/quotes.js';
import { createRecord, expenseEntity, openTaskOf, processIn, processUrl, startProcess } from '../support/processes.js';

const testServer = fileURLToPath(new URL('../../.tools/bin/temporal-test-server', import.meta.url));
const day = 86_400_000;

/**
 * A 90-day collections ladder: twelve weekly reminders that count up a field, a review task for the requester's
 * manager after the fourth rung (answered two days later), a customer reply on day 60 in a parallel branch, then
 * four quiet days and the close.
 */
const dunning = {
  entity: 'expense', steps: [
    { id: 'chase', type: 'parallel', join: 'all', branches: [
      [{ id: 'ladder', type: 'loop', max: 12, steps: [
        { id: 'week', type: 'wait', for: 'P7D' },
        { id: 'remind', type: 'action', action: 'notify', to: { field: 'createdBy' }, message: { en: 'Payment reminder' } },
        { id: 'rung', type: 'action', action: 'set', set: { receipts: { expr: 'double(vars.ladder.pass)' } } },
        { id: 'review', type: 'task', when: 'vars.ladder.pass == 4', title: { en: 'Review the dunning' }, assignee: { managerOf: 'requester' }, outcomes: ['continue', 'stop'] },
      ] }],
      [
        { id: 'reply', type: 'event', event: 'customer_reply' },
        { id: 'replied', type: 'action', action: 'set', set: { note: { expr: 'vars.reply.text' } } },
      ],
    ] },
    { id: 'settle', type: 'wait', for: 'P4D' },
    { id: 'close', type: 'action', action: 'set', set: { status: 'escalated' } },
    { id: 'end', type: 'end', outcome: 'escalated' },
  ],
};

const sample = { title: 'Invoice 2026-114', amount: 1250 };
const script = {
  tasks: [{ step: 'review', outcome: 'continue', after: 'P30D' }],
  events: [{ name: 'customer_reply', after: 'P60D', payload: { text: 'paying next week' } }],
};

let env: TestWorkflowEnvironment;
let stack: Stack;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer } } });
  stack = await startStackWith({ temporalAddress: env.address, workflowBundlePath: inject('workflowBundlePath') });
  await publishVariant(stack, (bundle) => {
    bundle.entities.expense = expenseEntity;
    bundle.processes['dunning-90'] = dunning;
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await env?.teardown();
});

interface Entry { at: string; step: string; event: string }
/** Step/event pairs with their offset from the run's first entry: ids and absolute times normalised away. */
const shape = (timeline: Entry[]) => {
  const origin = Date.parse(timeline[0].at);
  return timeline.map((e) => ({ what: `${e.step}:${e.event}`, offset: Date.parse(e.at) - origin }));
};
const countRows = async (tables: string[]) => Object.fromEntries(await Promise.all(tables.map(async (t) => {
  const [row] = await stack.orm.em.fork().getConnection().execute<{ n: string }[]>(`select count(*) as n from ${t}`);
  return [t, Number(row.n)];
})));

describe('simulating a process on the time-skipping server', () => {
  let simulated: any;

  it('simulates a 90-day ladder and writes nothing real (its wall-clock time is measured by bench/simulation.ts)', async () => {
    const admin = await stack.as('admin');
    const tables = ['records', 'tasks', 'notifications', 'process_instances', 'audit_entries', 'webhook_deliveries', 'pending_approvals'];
    const before = await countRows(tables);
    const began = Date.now();
    const res = await admin.post('/api/config/simulate', { process: 'dunning-90', record: sample, requester: 'sales1', script });
    const wallMs = Date.now() - began;
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    console.log(`simulation of 90 days: ${wallMs} ms wall-clock (server start included), ${res.body.timeline.length} timeline entries`);
    simulated = res.body;
    expect(simulated).toMatchObject({ status: 'completed', outcome: 'escalated', unused: [] });
    expect(Date.parse(simulated.end) - Date.parse(simulated.start)).toBeGreaterThanOrEqual(90 * day);
    const rungs = simulated.recordChanges.filter((c: any) => 'receipts' in c.set);
    expect(rungs.map((c: any) => c.set.receipts)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // the review held the ladder from day 28 to day 30: rung 5 comes on day 37
    const offsets = rungs.map((c: any) => Math.round((Date.parse(c.at) - Date.parse(simulated.start)) / day));
    expect(offsets).toEqual([7, 14, 21, 28, 37, 44, 51, 58, 65, 72, 79, 86]);
    expect(simulated.tasks).toEqual([expect.objectContaining({
      step: 'review', kind: 'task', assignee: 'branchmgr', candidates: ['branchmgr'], status: 'completed', outcome: 'continue', actor: 'branchmgr',
    })]);
    const task = simulated.tasks[0];
    expect(Math.round((Date.parse(task.completedAt) - Date.parse(task.createdAt)) / day)).toBe(2);
    expect(simulated.recordChanges.find((c: any) => 'note' in c.set)).toMatchObject({ set: { note: 'paying next week' } });
    expect(Math.round((Date.parse(simulated.recordChanges.find((c: any) => 'note' in c.set).at) - Date.parse(simulated.start)) / day)).toBe(60);
    expect(simulated.notifications.filter((n: any) => n.kind === 'process.message')).toHaveLength(12);
    expect(simulated.notifications.filter((n: any) => n.kind === 'process.message').every((n: any) => n.to === 'sales1' && n.title === 'Payment reminder')).toBe(true);
    expect(simulated.notifications).toEqual(expect.arrayContaining([expect.objectContaining({ to: 'branchmgr', kind: 'task.assigned', title: 'Review the dunning' })]));
    expect(simulated.webhooks.map((w: any) => w.event)).toEqual(['process.started', 'process.completed']);
    expect(await countRows(tables)).toEqual(before);
  }, 60_000);

  it('gives the same timeline, tasks and record changes as the real run of the same definition', async () => {
    expect(simulated?.status).toBe('completed');
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const recordId = await createRecord(sales1, 'expense', sample);
    const processId = await startProcess(sales1, 'dunning-90', 'expense', recordId);
    await eventually(async () => (await sales1.get(processUrl(processId))).body.currentSteps?.includes('week'), 5000);
    const origin = Date.parse((await sales1.get(processUrl(processId))).body.timeline[0].at);
    const sleepTo = async (offset: number) => env.sleep(Math.max(1, origin + offset - await env.currentTimeMs()));

    await sleepTo(30 * day);
    const review = await openTaskOf(branchmgr, recordId, 'review');
    expect((await branchmgr.post(`/api/tasks/${review.id}/complete`, { outcome: 'continue' })).status).toBe(200);
    await sleepTo(60 * day);
    expect((await sales1.post(`${processUrl(processId)}/events/customer_reply`, { text: 'paying next week' })).status).toBe(202);
    await sleepTo(91 * day);
    const real = await processIn(sales1, processId, 'completed');
    expect(real.outcome).toBe(simulated.outcome);

    const realShape = shape(real.timeline);
    const simShape = shape(simulated.timeline);
    expect(realShape.map((e) => e.what)).toEqual(simShape.map((e) => e.what));
    // the same simulated times: the same day, and within a minute (the real run's clock runs while the test polls
    // HTTP for its task; on a loaded machine that adds a second or two at each scripted input)
    realShape.forEach((e, i) => expect(Math.abs(e.offset - simShape[i].offset), `${e.what} #${i}`).toBeLessThan(60_000));
    expect(realShape.map((e) => Math.round(e.offset / day))).toEqual(simShape.map((e) => Math.round(e.offset / day)));
    console.log(`real vs simulated timeline: ${realShape.length} entries, largest offset difference ${Math.max(...realShape.map((e, i) => Math.abs(e.offset - simShape[i].offset)))} ms`);

    const realTasks = real.tasks.map((t: any) => ({ step: t.step, kind: t.kind, assignee: t.assignee, candidates: t.candidates, outcome: t.outcome, status: t.status }));
    const simTasks = simulated.tasks.map((t: any) => ({ step: t.step, kind: t.kind, assignee: t.assignee, candidates: t.candidates, outcome: t.outcome, status: t.status }));
    expect(realTasks).toEqual(simTasks);
    expect(Math.abs((Date.parse(real.tasks[0].createdAt) - origin) - (Date.parse(simulated.tasks[0].createdAt) - Date.parse(simulated.timeline[0].at)))).toBeLessThan(60_000);

    const history = (await sales1.get(`/api/records/expense/${recordId}/history`)).body.items as { action: string; changes: Record<string, { after: unknown }> }[];
    const realSets = history.filter((h) => h.action === 'update').map((h) => Object.fromEntries(Object.entries(h.changes).map(([field, c]) => [field, c.after])));
    expect(realSets).toEqual(simulated.recordChanges.filter((c: any) => c.action === 'update').map((c: any) => c.set));
  }, 120_000);

  it('stops waiting when the script does not give what the run waits for, and says what that is', async () => {
    const admin = await stack.as('admin');
    const res = await admin.post('/api/config/simulate', { process: 'dunning-90', record: sample, requester: 'sales1', script: { tasks: script.tasks } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('waiting');
    expect(res.body.waitingFor).toEqual({ tasks: [], events: ['customer_reply'] });
    expect(res.body.recordChanges.filter((c: any) => 'receipts' in c.set)).toHaveLength(12);
    expect(Math.round((Date.parse(res.body.end) - Date.parse(res.body.start)) / day)).toBe(86);
  }, 60_000);

  it('runs approval chains as child workflows, and the script answers their tasks', async () => {
    const admin = await stack.as('admin');
    const res = await admin.post('/api/config/simulate', {
      process: 'quote-approval', record: quoteData(25, 90_000), requester: 'sales1',
      script: { tasks: [{ step: 'branch', after: 'PT2H' }, { step: 'region', outcome: 'approve', after: 'P10D' }] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', outcome: 'approved', unused: [] });
    expect(res.body.tasks.map((t: any) => [t.step, t.kind, t.actor, t.outcome])).toEqual([
      ['branch', 'approval', 'branchmgr', 'approve'], ['region', 'approval', 'regiondir', 'approve'],
    ]);
    expect(Math.round((Date.parse(res.body.tasks[0].completedAt) - Date.parse(res.body.start)) / 3_600_000)).toBe(2);
    expect(res.body.recordChanges.map((c: any) => c.set.status)).toEqual(['pending_approval', 'approved']);

    const refused = await admin.post('/api/config/simulate', {
      process: 'quote-approval', record: quoteData(25, 90_000), requester: 'sales1', script: { tasks: [{ step: 'branch', by: 'sales2' }] },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('SIMULATION_SCRIPT_REFUSED');
    expect(refused.body.error.details[0].path).toBe('/script/tasks/0');
  }, 60_000);

  it('assigns by skill and by turns over the real directory, counting the tasks it opened itself', async () => {
    const admin = await stack.as('admin');
    const { body: config } = await admin.get('/api/config');
    const { version: _v, hash: _h, ...draft } = config;
    draft.processes.dispatch = {
      entity: 'expense', steps: [
        { id: 'hvac', type: 'task', title: { en: 'HVAC visit' }, rule: { role: 'technician', skill: 'hvac', pick: 'leastLoad' } },
        { id: 'visits', type: 'loop', max: 3, steps: [{ id: 'visit', type: 'task', title: { en: 'Visit' }, rule: { role: 'technician', pick: 'roundRobin' } }] },
      ],
    };
    const res = await admin.post('/api/config/simulate', {
      bundle: draft, process: 'dispatch', record: sample,
      script: { tasks: [{ step: 'hvac' }, { step: 'visit', after: 'PT1H' }, { step: 'visit', after: 'PT2H' }, { step: 'visit', after: 'PT3H' }] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('completed');
    expect(res.body.tasks.map((t: any) => [t.step, t.assignee, t.actor])).toEqual([
      ['hvac', 'tech1', 'tech1'], ['visit', 'tech1', 'tech1'], ['visit', 'tech2', 'tech2'], ['visit', 'tech1', 'tech1'],
    ]);
  }, 60_000);

  it('follows a run that continues as new, where a real run with the same history limit would', async () => {
    const admin = await stack.as('admin');
    const { body: config } = await admin.get('/api/config');
    const { version: _v, hash: _h, ...draft } = config;
    draft.processes['long-ladder'] = {
      entity: 'expense', steps: [
        { id: 'ladder', type: 'loop', max: 12, steps: [
          { id: 'week', type: 'wait', for: 'P7D' },
          { id: 'rung', type: 'action', action: 'set', set: { receipts: { expr: 'double(vars.ladder.pass)' } } },
        ] },
        { id: 'end', type: 'end', outcome: 'done' },
      ],
    };
    const limited = await buildApp({ ...stack.app.deps, processHistoryLimit: 40 });
    try {
      const login = await stack.anonymous().post('/api/auth/login', { username: 'admin', password: 'demo' });
      const res = await limited.inject({
        method: 'POST', url: '/api/config/simulate', headers: { authorization: `Bearer ${(login.body as any).token}` },
        payload: { bundle: draft, process: 'long-ladder', record: sample },
      });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ status: 'completed', outcome: 'done' });
      expect(body.timeline.filter((e: any) => e.event === 'continued-as-new').length).toBeGreaterThan(0);
      const rungs = body.recordChanges.map((c: any) => Math.round((Date.parse(c.at) - Date.parse(body.start)) / day));
      expect(rungs).toEqual([7, 14, 21, 28, 35, 42, 49, 56, 63, 70, 77, 84]);
    } finally {
      await limited.close();
    }
  }, 60_000);

  it('plays edits of the record: a wait until a date field follows the field when the script moves it', async () => {
    const admin = await stack.as('admin');
    const { body: config } = await admin.get('/api/config');
    const { version: _v, hash: _h, ...draft } = config;
    draft.processes['remind-before-due'] = {
      entity: 'expense', steps: [
        { id: 'until-week-before', type: 'wait', until: 'timestamp(record.dueDate + "T00:00:00Z") - duration("168h")' },
        { id: 'remind', type: 'action', action: 'set', set: { status: 'reminded' } },
      ],
    };
    const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const moved = isoDate(Date.now() + 40 * day);
    const res = await admin.post('/api/config/simulate', {
      bundle: draft, process: 'remind-before-due', record: { ...sample, dueDate: isoDate(Date.now() + 30 * day) },
      script: { records: [{ after: 'P20D', set: { dueDate: moved } }] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('completed');
    expect(res.body.timeline.map((e: any) => e.event)).toContain('re-armed');
    const expected = new Date(Date.parse(`${moved}T00:00:00Z`) - 7 * day).toISOString();
    expect(res.body.timeline.find((e: any) => e.event === 'timer-fired').detail.until).toBe(expected);
    expect(res.body.recordChanges.map((c: any) => [c.actor, c.set])).toEqual([['admin', { dueDate: moved }], ['system', { status: 'reminded' }]]);
    expect(Math.abs(Date.parse(res.body.recordChanges[1].at) - Date.parse(expected))).toBeLessThan(60_000);
  }, 60_000);

  it('simulates a draft bundle, and refuses an invalid one, an unknown step and callers who may not simulate', async () => {
    const admin = await stack.as('admin');
    const { body: config } = await admin.get('/api/config');
    const { version: _v, hash: _h, ...draft } = config;
    draft.processes['draft-only'] = { entity: 'expense', steps: [{ id: 'pause', type: 'wait', for: 'P2D' }, { id: 'mark', type: 'action', action: 'set', set: { status: 'drafted' } }] };
    const ok = await admin.post('/api/config/simulate', { bundle: draft, process: 'draft-only', record: sample });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ status: 'completed', recordChanges: [expect.objectContaining({ set: { status: 'drafted' } })] });
    expect(Math.round((Date.parse(ok.body.recordChanges[0].at) - Date.parse(ok.body.start)) / day)).toBe(2);
    const later = new Date(Date.now() + 40 * day).toISOString();
    const planned = await admin.post('/api/config/simulate', { bundle: draft, process: 'draft-only', record: sample, start: later });
    expect(planned.status, JSON.stringify(planned.body)).toBe(200);
    expect(Math.abs(Date.parse(planned.body.start) - Date.parse(later))).toBeLessThan(5_000);
    expect(Math.round((Date.parse(planned.body.recordChanges[0].at) - Date.parse(later)) / day)).toBe(2);
    const past = await admin.post('/api/config/simulate', { bundle: draft, process: 'draft-only', record: sample, start: '2020-01-01T00:00:00Z' });
    expect(past.status).toBe(422);
    expect(past.body.error.details[0].path).toBe('/start');

    draft.processes.parent = {
      entity: 'expense', steps: [
        { id: 'follow-up', type: 'action', action: 'createRecord', entity: 'expense', data: { title: 'Follow-up', amount: { expr: 'record.amount' } } },
        { id: 'child', type: 'subprocess', process: 'draft-only' },
        { id: 'end', type: 'end', outcome: 'done' },
      ],
    };
    const nested = await admin.post('/api/config/simulate', { bundle: draft, process: 'parent', record: sample });
    expect(nested.status, JSON.stringify(nested.body)).toBe(200);
    expect(nested.body).toMatchObject({ status: 'completed', outcome: 'done' });
    expect(nested.body.recordChanges.map((c: any) => [c.action, c.recordId === nested.body.recordId, c.set])).toEqual([
      ['create', false, { title: 'Follow-up', amount: 1250 }], ['update', true, { status: 'drafted' }],
    ]);
    // the child run's timer is found in the child's history and fires on day 2
    expect(Math.round((Date.parse(nested.body.recordChanges[1].at) - Date.parse(nested.body.start)) / day)).toBe(2);
    expect(nested.body.timeline.map((e: any) => `${e.step}:${e.event}`)).toContain('child:child-ended');

    const stopped = await admin.post('/api/config/simulate', { bundle: draft, process: 'draft-only', record: sample, until: 'P1D' });
    expect(stopped.status, JSON.stringify(stopped.body)).toBe(200);
    expect(stopped.body).toMatchObject({ status: 'running', recordChanges: [], waitingFor: { tasks: [], events: [] } });
    expect(Date.parse(stopped.body.end) - Date.parse(stopped.body.start)).toBeGreaterThanOrEqual(day);

    draft.processes['fails-at-run-time'] = { entity: 'expense', steps: [{ id: 'divide', type: 'action', action: 'set', set: { receipts: { expr: 'int(record.amount) / 0' } } }] };
    const failed = await admin.post('/api/config/simulate', { bundle: draft, process: 'fails-at-run-time', record: sample });
    expect(failed.status, JSON.stringify(failed.body)).toBe(200);
    expect(failed.body).toMatchObject({ status: 'failed', outcome: null, error: { code: 'EXPRESSION_FAILED' }, recordChanges: [] });

    const broken = structuredClone(draft);
    broken.processes['draft-only'].steps[0].next = 'nowhere';
    const invalid = await admin.post('/api/config/simulate', { bundle: broken, process: 'draft-only', record: sample });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.code).toBe('CONFIG_INVALID');
    expect(invalid.body.error.details).toEqual([expect.objectContaining({ path: '/bundle/processes/draft-only/steps/0/next' })]);

    const unknown = await admin.post('/api/config/simulate', { process: 'dunning-90', record: sample, script: { tasks: [{ step: 'approve-it' }], events: [{ name: 'nobody_listens', after: 'P1D' }] } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details.map((d: any) => d.path).sort()).toEqual(['/script/events/0/name', '/script/tasks/0/step']);

    const badRecord = await admin.post('/api/config/simulate', { process: 'dunning-90', record: { title: 'No amount' } });
    expect(badRecord.status).toBe(422);
    expect(badRecord.body.error.details.map((d: any) => d.path)).toEqual(['/record/amount']);

    const sales1 = await stack.as('sales1');
    expect((await sales1.post('/api/config/simulate', { process: 'dunning-90', record: sample })).status).toBe(403);
  }, 60_000);

  it('answers 503 when the time-skipping server is not installed, 504 when the budget runs out', async () => {
    const app = await buildApp({ ...stack.app.deps, simulation: { testServerPath: '/nonexistent/temporal-test-server', workflowBundlePath: inject('workflowBundlePath') } });
    try {
      const login = await stack.anonymous().post('/api/auth/login', { username: 'admin', password: 'demo' });
      const res = await app.inject({
        method: 'POST', url: '/api/config/simulate', headers: { authorization: `Bearer ${(login.body as any).token}` },
        payload: { process: 'dunning-90', record: sample },
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('SIMULATION_UNAVAILABLE');
    } finally {
      await app.close();
    }
    const single = await buildApp({ ...stack.app.deps, simulation: { workflowBundlePath: inject('workflowBundlePath'), concurrency: 1 } });
    try {
      const login = await stack.anonymous().post('/api/auth/login', { username: 'admin', password: 'demo' });
      const call = () => single.inject({
        method: 'POST', url: '/api/config/simulate', headers: { authorization: `Bearer ${(login.body as any).token}` }, payload: { process: 'dunning-90', record: sample, script },
      });
      const [a, b] = await Promise.all([call(), call()]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([200, 503]);
      expect([a, b].find((r) => r.statusCode === 503)!.json().error.code).toBe('SIMULATION_BUSY');
    } finally {
      await single.close();
    }
    const doc = (await stack.anonymous().get('/openapi.json')).body;
    expect(Object.keys(doc.paths['/api/config/simulate'].post.responses)).toEqual(expect.arrayContaining(['200', '403', '404', '422', '503', '504']));
    const hurried = await buildApp({ ...stack.app.deps, simulation: { workflowBundlePath: inject('workflowBundlePath'), timeoutMs: 1 } });
    try {
      const login = await stack.anonymous().post('/api/auth/login', { username: 'admin', password: 'demo' });
      const res = await hurried.inject({
        method: 'POST', url: '/api/config/simulate', headers: { authorization: `Bearer ${(login.body as any).token}` },
        payload: { process: 'dunning-90', record: sample, script },
      });
      expect(res.statusCode).toBe(504);
      expect(res.json().error.code).toBe('SIMULATION_TIMEOUT');
    } finally {
      await hurried.close();
    }
  }, 60_000);

  it('runs from the command line on a configuration folder and prints the timeline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flowcrm-sim-'));
    try {
      const creds = { FLOWCRM_USER: 'admin', FLOWCRM_PASSWORD: 'demo' };
      expect((await flowcrm(['export', join(dir, 'config'), '--url', stack.url], creds)).code).toBe(0);
      await writeFile(join(dir, 'record.json'), JSON.stringify(sample));
      await writeFile(join(dir, 'script.json'), JSON.stringify(script));
      const args = ['simulate', join(dir, 'config'), 'dunning-90', '--record', join(dir, 'record.json'), '--script', join(dir, 'script.json'), '--requester', 'sales1', '--url', stack.url];
      const res = await flowcrm(args, creds);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/^dunning-90: completed \(escalated\), simulated \+90d /);
      expect(res.stdout).toMatch(/\+28d \d\d:\d\d:\d\d\s+review for branchmgr -> continue by branchmgr at \+30d /);
      expect(res.stdout).toMatch(/\+60d \d\d:\d\d:\d\d\s+update expense {"note":"paying next week"}/);

      await writeFile(join(dir, 'script.json'), JSON.stringify({ tasks: [{ step: 'nope' }] }));
      const refused = await flowcrm(args, creds);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`${join(dir, 'script.json')}: /tasks/0/step process dunning-90 has no task or approval step "nope"`);
      expect(refused.stderr).toContain('simulation refused: 422 VALIDATION_FAILED');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
