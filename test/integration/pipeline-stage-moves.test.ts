import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { eventually, type HttpClient } from '../support/http.js';
import { inboxTaskFor } from '../support/quotes.js';
import { customerAndQuote, cny, readyForQuote, stageOf } from '../support/opportunities.js';

let stack: Stack;
let sales1: HttpClient;
let refs: { customer: string; quote: string };
beforeAll(async () => {
  stack = await startStack();
  sales1 = await stack.as('sales1');
  refs = await customerAndQuote(sales1);
});
afterAll(async () => {
  await stack?.stop();
});

const move = (id: string, body: Record<string, unknown>, client = sales1) => client.post(`/api/records/opportunity/${id}/stage`, body);
const details = (res: { body: any }) => res.body.error.details.map((d: { path: string; code?: string }) => [d.path, d.code]);

async function opportunity(data: Record<string, unknown> = {}): Promise<string> {
  const res = await sales1.post('/api/records/opportunity', { name: 'Pumps for Acme', ...data });
  expect(res.status).toBe(201);
  return res.body.id;
}

/** Walks a new opportunity up to the quote stage through the stage API. */
async function atQuote(amount: number): Promise<string> {
  const id = await opportunity();
  for (const to of ['qualified', 'needs-confirmed', 'quote']) {
    const res = await move(id, { to, data: readyForQuote(refs, amount) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
  return id;
}

describe('POST /api/records/:entity/:id/stage', () => {
  it('starts a new opportunity in the first stage of its pipeline', async () => {
    const id = await opportunity();
    expect((await sales1.get(`/api/records/opportunity/${id}`)).body.data.stage).toBe('lead');
    const stays = await sales1.get(`/api/records/opportunity/${id}/stages`);
    expect(stays.body.items).toEqual([expect.objectContaining({ stage: 'lead', pipeline: 'opportunity-sales', actor: 'sales1', leftAt: null })]);
  });

  it('lists every unmet requirement at once, then moves when data fills them in the same call', async () => {
    const id = await opportunity();
    const refused = await move(id, { to: 'qualified' });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('STAGE_GATE_FAILED');
    expect(details(refused)).toEqual([
      ['/customer', 'REQUIRED_FIELD'], ['/owner', 'REQUIRED_FIELD'], ['/pipelines/opportunity-sales/stages/1/when', 'CONDITION_FAILED'],
    ]);
    expect(refused.body.error.details[2].message).toBe('stage "Qualified" requires has(record.intention) && record.intention');
    const moved = await move(id, { to: 'qualified', data: { customer: refs.customer, owner: 'sales1', intention: true } });
    expect(moved.status).toBe(200);
    expect(moved.body.data).toMatchObject({ stage: 'qualified', customer: refs.customer, owner: 'sales1', intention: true });
    expect(moved.headers.get('etag')).toBe(String(moved.body.version));
  });

  it('refuses a failed condition alone at its config path, and invalid data at its pointer, writing nothing', async () => {
    const id = await opportunity();
    await move(id, { to: 'qualified', data: readyForQuote(refs, 1000) });
    await move(id, { to: 'needs-confirmed' });
    const draft = await move(id, { to: 'quote', data: { quoteStatus: 'draft' } });
    expect(draft.status).toBe(422);
    expect(details(draft)).toEqual([['/pipelines/opportunity-sales/stages/3/when', 'CONDITION_FAILED']]);
    const invalid = await move(id, { to: 'quote', data: { amount: { amount: -1, currency: 'CNY' } } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.code).toBe('VALIDATION_FAILED');
    const after = await sales1.get(`/api/records/opportunity/${id}`);
    expect(after.body.data).toMatchObject({ stage: 'needs-confirmed', quoteStatus: 'approved', amount: cny(1000) });
  });

  it('answers 409 TRANSITION_NOT_ALLOWED for a skip and for leaving a closed stage', async () => {
    const id = await opportunity();
    const skip = await move(id, { to: 'quote', data: readyForQuote(refs, 1000) });
    expect(skip.status).toBe(409);
    expect(skip.body.error.code).toBe('TRANSITION_NOT_ALLOWED');
    expect(skip.body.error.details).toEqual([{ path: '/stage', code: 'skip', message: 'moving from "lead" to "quote" would skip "qualified", "needs-confirmed"' }]);
    const lost = await move(id, { to: 'lost', reason: 'price' });
    expect(lost.status).toBe(200);
    expect(lost.body.data).toMatchObject({ stage: 'lost', lostReason: 'price' });
    const reopen = await move(id, { to: 'lead' });
    expect(reopen.status).toBe(409);
    expect(reopen.body.error.details[0].code).toBe('closed');
    const unknown = await move(await opportunity(), { to: 'nowhere' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details[0].path).toBe('/stage');
    const quote = await sales1.post('/api/records/quote', { customerName: 'No pipeline', lines: [{ product: 'P', quantity: 1, unitPrice: 1 }] });
    const none = await sales1.post(`/api/records/quote/${quote.body.id}/stage`, { to: 'won' });
    expect([none.status, none.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await sales1.post(`/api/records/opportunity/${refs.quote}/stage`, { to: 'lead' })).status).toBe(404);
  });

  it('won and lost require their reason fields', async () => {
    const id = await atQuote(1000);
    const won = await move(id, { to: 'won' });
    expect(won.status).toBe(422);
    expect(details(won)).toEqual([['/closeDate', 'REQUIRED_FIELD'], ['/wonReason', 'REQUIRED_FIELD']]);
    const lost = await move(id, { to: 'lost' });
    expect(details(lost)).toEqual([['/lostReason', 'REQUIRED_FIELD']]);
    const bad = await move(id, { to: 'lost', reason: 'bad luck' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0].path).toBe('/data/lostReason');
    const ok = await move(id, { to: 'won', reason: 'best service', data: { closeDate: '2026-12-20' } });
    expect(ok.status).toBe(200);
    expect(ok.body.data).toMatchObject({ stage: 'won', wonReason: 'best service', closeDate: '2026-12-20' });
  });

  it('a move needing approval answers 202 pending, shows the pending target, and moves on approval', async () => {
    const id = await atQuote(2_000_000);
    const asked = await move(id, { to: 'negotiation', data: { closeDate: '2027-01-31' } });
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual({ pending: { to: 'negotiation', processId: `stage-approval.opportunity-sales.negotiation:opportunity:${id}` } });
    const waiting = await sales1.get(`/api/records/opportunity/${id}`);
    expect(waiting.body.data).toMatchObject({ stage: 'quote', closeDate: '2027-01-31' });
    expect(waiting.body.pendingStage).toEqual(asked.body.pending);
    expect((await move(id, { to: 'negotiation' })).body).toEqual(asked.body);
    const sideways = await move(id, { to: 'lost', reason: 'price' });
    expect(sideways.status).toBe(409);
    expect((await sales1.patch(`/api/records/opportunity/${id}`, { stage: 'lost', lostReason: 'price' })).status).toBe(409);

    const branchmgr = await stack.as('branchmgr');
    const task = await inboxTaskFor(branchmgr, id, 5000);
    expect(task.kind).toBe('approval');
    expect((await branchmgr.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, { outcome: 'approve' })).status).toBe(200);
    const moved = await stageOf(sales1, id, 'negotiation');
    expect(moved.pendingStage).toBeUndefined();
    const stays = await sales1.get(`/api/records/opportunity/${id}/stages`);
    expect(stays.body.items.map((s: { stage: string }) => s.stage)).toEqual(['lead', 'qualified', 'needs-confirmed', 'quote', 'negotiation']);
    expect(stays.body.items.at(-1).actor).toBe('system');
  });

  it('stays where it is when the approval is rejected', async () => {
    const id = await atQuote(3_000_000);
    const asked = await move(id, { to: 'negotiation', data: { closeDate: '2027-02-28' } });
    expect(asked.status).toBe(202);
    const branchmgr = await stack.as('branchmgr');
    const task = await inboxTaskFor(branchmgr, id, 5000);
    expect((await branchmgr.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, { outcome: 'reject', comment: 'not yet' })).status).toBe(200);
    const after = await eventually(async () => {
      const res = await sales1.get(`/api/records/opportunity/${id}`);
      return res.body.pendingStage ? null : res.body;
    }, 8000);
    expect(after.data.stage).toBe('quote');
    const stays = await sales1.get(`/api/records/opportunity/${id}/stages`);
    expect(stays.body.items.at(-1)).toMatchObject({ stage: 'quote', leftAt: null });
  });

  it('checks the gate again on approval: a requirement removed meanwhile keeps the record where it is', async () => {
    const id = await atQuote(4_000_000);
    const asked = await move(id, { to: 'negotiation', data: { closeDate: '2027-04-30' } });
    expect(asked.status).toBe(202);
    expect((await sales1.patch(`/api/records/opportunity/${id}`, { closeDate: null })).status).toBe(200);
    const branchmgr = await stack.as('branchmgr');
    const task = await inboxTaskFor(branchmgr, id, 5000);
    expect((await branchmgr.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, { outcome: 'approve' })).status).toBe(200);
    await expect(stack.flow.client.workflow.getHandle(asked.body.pending.processId).result()).rejects.toThrow();
    const after = await eventually(async () => {
      const res = await sales1.get(`/api/records/opportunity/${id}`);
      return res.body.pendingStage ? null : res.body;
    }, 8000);
    expect(after.data.stage).toBe('quote');
    expect((await sales1.get(`/api/processes/${encodeURIComponent(asked.body.pending.processId)}`)).body.status).toBe('failed');
  });

  it('moves without approval when the chain entry does not apply (a small deal)', async () => {
    const id = await atQuote(50_000);
    const res = await move(id, { to: 'negotiation', data: { closeDate: '2027-03-31' } });
    expect(res.status).toBe(200);
    expect(res.body.data.stage).toBe('negotiation');
  });

  it('keeps the stage history with time in stage, and stage moves on the record history', async () => {
    const id = await atQuote(1000);
    const stays = (await sales1.get(`/api/records/opportunity/${id}/stages`)).body.items;
    expect(stays.map((s: { stage: string; actor: string }) => [s.stage, s.actor])).toEqual([['lead', 'sales1'], ['qualified', 'sales1'], ['needs-confirmed', 'sales1'], ['quote', 'sales1']]);
    for (let i = 0; i < stays.length - 1; i++) {
      expect(stays[i].leftAt).toBe(stays[i + 1].enteredAt);
      expect(stays[i].daysInStage).toBeGreaterThanOrEqual(0);
    }
    expect(stays.at(-1).leftAt).toBeNull();
    const history = (await sales1.get(`/api/records/opportunity/${id}/history`)).body.items;
    const moves = history.filter((h: { action: string }) => h.action === 'stage');
    expect(moves.map((h: any) => [h.changes.stage.before, h.changes.stage.after, h.context.stage.pipeline])).toEqual([
      ['lead', 'qualified', 'opportunity-sales'], ['qualified', 'needs-confirmed', 'opportunity-sales'], ['needs-confirmed', 'quote', 'opportunity-sales'],
    ]);
    expect((await sales1.get(`/api/records/opportunity/00000000-0000-4000-8000-000000000000/stages`)).status).toBe(404);
  });

  it('puts a project-sales opportunity in its own pipeline and keeps it there', async () => {
    const id = await opportunity({ salesMethod: 'project' });
    const stays = (await sales1.get(`/api/records/opportunity/${id}/stages`)).body.items;
    expect(stays).toEqual([expect.objectContaining({ stage: 'lead', pipeline: 'project-sales' })]);
    expect((await move(id, { to: 'solution' })).status).toBe(409);
    const moved = await move(id, { to: 'qualified', data: { ...readyForQuote(refs, 10), salesMethod: 'standard' } });
    expect(moved.status).toBe(200);
    expect((await sales1.get(`/api/records/opportunity/${id}/stages`)).body.items.at(-1)).toMatchObject({ stage: 'qualified', pipeline: 'project-sales' });
    const switched = await move(id, { to: 'lead', pipeline: 'opportunity-sales' });
    expect(switched.status).toBe(200);
    expect((await sales1.get(`/api/records/opportunity/${id}/stages`)).body.items.at(-1)).toMatchObject({ stage: 'lead', pipeline: 'opportunity-sales' });
  });
});

describe('API document', () => {
  it('describes the stage, board and report routes with a response schema for every status', async () => {
    const doc = (await stack.anonymous().get('/openapi.json')).body;
    const expected: Record<string, string[]> = {
      '/api/records/{entity}/{id}/stage': ['200', '202', '400', '404', '409', '412', '422'],
      '/api/records/{entity}/{id}/stages': ['200', '404'],
      '/api/pipelines/{name}/board': ['200', '404', '422'],
      ...Object.fromEntries(['funnel', 'forecast', 'conversion', 'stage-duration', 'win-rate', 'lost-reasons'].map((r) => [`/api/reports/${r}`, ['200', '404', '422']])),
    };
    for (const [path, statuses] of Object.entries(expected)) {
      const operation = doc.paths[path]?.post ?? doc.paths[path]?.get;
      expect(operation, path).toBeDefined();
      expect(Object.keys(operation.responses), path).toEqual(expect.arrayContaining(statuses)); // plus the statuses every route declares (401, 413, 415)
      for (const status of statuses) expect(operation.responses[status].content['application/json'].schema, `${path} ${status}`).toBeDefined();
    }
    const report = doc.paths['/api/reports/funnel'].get;
    expect(report.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['filter', 'locale', 'pipeline', 'since', 'until']);
  });
});
