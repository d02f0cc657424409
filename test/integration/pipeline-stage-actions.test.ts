import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { eventually, type HttpClient } from '../support/http.js';
import { publishVariant } from '../support/config.js';
import { customerAndQuote, readyForQuote } from '../support/opportunities.js';

let stack: Stack;
let sales1: HttpClient;
let refs: { customer: string; quote: string };
beforeAll(async () => {
  stack = await startStack();
  sales1 = await stack.as('sales1');
  refs = await customerAndQuote(sales1);
  await publishVariant(stack, (bundle) => {
    const stages = bundle.pipelines['opportunity-sales'].stages;
    stages[1].onEnter = { set: { description: 'qualified: send the needs questionnaire' }, startProcess: 'kickoff' };
    stages[2].onEnter = { startProcess: 'big-deal-review' };
    stages.find((s: { id: string }) => s.id === 'lost').onEnter = { startProcess: 'kickoff' };
    bundle.processes.qualify = { entity: 'opportunity', trigger: { on: 'manual' }, steps: [{ id: 'qualify', type: 'action', action: 'set', set: { stage: 'qualified' } }, { id: 'end', type: 'end' }] };
    bundle.processes.kickoff = {
      entity: 'opportunity', trigger: { on: 'manual' },
      steps: [{ id: 'tell', type: 'action', action: 'notify', to: { field: 'owner' }, message: { en: 'Opportunity qualified' } }, { id: 'end', type: 'end' }],
    };
    bundle.processes['big-deal-review'] = { entity: 'opportunity', steps: [{ id: 'approve', type: 'approval', chain: 'big-deal' }, { id: 'end', type: 'end' }] };
  });
});
afterAll(async () => {
  await stack?.stop();
});

describe('stage actions (onEnter)', () => {
  it('sets fields in the move itself and starts the process through the process engine', async () => {
    const created = await sales1.post('/api/records/opportunity', { name: 'Action deal' });
    const id = created.body.id;
    const moved = await sales1.post(`/api/records/opportunity/${id}/stage`, { to: 'qualified', data: readyForQuote(refs, 1000) });
    expect(moved.status).toBe(200);
    expect(moved.body.data).toMatchObject({ stage: 'qualified', description: 'qualified: send the needs questionnaire' });
    expect(moved.body.version).toBe(created.body.version + 1);
    const process = await eventually(async () => {
      const res = await sales1.get(`/api/processes/${encodeURIComponent(`kickoff:opportunity:${id}`)}`);
      return res.status === 200 && res.body.status === 'completed' ? res.body : null;
    }, 10_000);
    expect(process).toMatchObject({ process: 'kickoff', entity: 'opportunity', recordId: id });
    await eventually(async () => (await sales1.get('/api/notifications')).body.items.some((n: { title: string; link?: { recordId?: string } }) => n.title === 'Opportunity qualified' && n.link?.recordId === id), 10_000);
  });

  it('a process that refuses to start does not undo the move and is written to the record history', async () => {
    const created = await sales1.post('/api/records/opportunity', { name: 'Small deal' });
    const id = created.body.id;
    for (const to of ['qualified', 'needs-confirmed']) {
      expect((await sales1.post(`/api/records/opportunity/${id}/stage`, { to, data: readyForQuote(refs, 10) })).status).toBe(200);
    }
    expect((await sales1.get(`/api/records/opportunity/${id}`)).body.data.stage).toBe('needs-confirmed');
    const history = (await sales1.get(`/api/records/opportunity/${id}/history`)).body.items;
    expect(history.filter((h: { action: string }) => h.action === 'stage:action-failed')).toEqual([
      expect.objectContaining({ actor: 'system', context: { stage: 'needs-confirmed', startProcess: 'big-deal-review', code: 'ENTRY_CRITERIA_NOT_MET' } }),
    ]);
  });

  // a workflow's move is made by `system`, so its process is not the owner's own: an admin reads it
  const kickoffOf = async (id: string) => eventually(async () => {
    const res = await (await stack.as('admin')).get(`/api/processes/${encodeURIComponent(`kickoff:opportunity:${id}`)}`);
    return res.status === 200 && res.body.status === 'completed' ? res.body : null;
  }, 15_000);

  it('a move made by a process set action starts the stage\'s process too', async () => {
    const created = await sales1.post('/api/records/opportunity', { name: 'Workflow-moved deal', ...readyForQuote(refs, 1000) });
    const id = created.body.id;
    expect((await sales1.post('/api/processes', { process: 'qualify', entity: 'opportunity', recordId: id })).status).toBe(201);
    expect(await kickoffOf(id)).toMatchObject({ process: 'kickoff', entity: 'opportunity', recordId: id });
    const record = (await sales1.get(`/api/records/opportunity/${id}`)).body;
    expect(record.data).toMatchObject({ stage: 'qualified', description: 'qualified: send the needs questionnaire' });
  });

  it('a move made by a CSV import starts the stage\'s process too', async () => {
    const csv = 'name,stage,lostReason\r\nImported lost deal,lost,price\r\n';
    const res = await fetch(`${stack.url}/api/records/opportunity/import`, {
      method: 'POST', body: csv, headers: { 'content-type': 'text/csv', authorization: `Bearer ${sales1.token}` },
    }).then(async (r) => ({ status: r.status, body: await r.json() as any }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ imported: 1, failed: 0 });
    const imported = (await sales1.get(`/api/records/opportunity?filter=${encodeURIComponent('record.name == "Imported lost deal"')}`)).body.items[0];
    expect(imported.data.stage).toBe('lost');
    expect(await kickoffOf(imported.id)).toMatchObject({ process: 'kickoff', entity: 'opportunity', recordId: imported.id });
  });

  it('publish refuses stage actions that set the stage field or start an unknown process', async () => {
    const admin = await stack.as('admin');
    const { body: config } = await admin.get('/api/config');
    const { version: _v, hash: _h, ...bundle } = config;
    bundle.pipelines['opportunity-sales'].stages[0].onEnter = { set: { stage: 'won' }, startProcess: 'nope' };
    const res = await admin.post('/api/config/validate', bundle);
    expect(res.body.valid).toBe(false);
    expect(res.body.errors.map((e: { code: string; path: string }) => [e.code, e.path])).toEqual([
      ['INVALID_STAGE_ACTION', '/pipelines/opportunity-sales/stages/0/onEnter/set/stage'],
      ['UNKNOWN_PROCESS', '/pipelines/opportunity-sales/stages/0/onEnter/startProcess'],
    ]);
  });
});
