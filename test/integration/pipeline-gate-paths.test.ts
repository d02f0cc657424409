import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { eventually, type HttpClient } from '../support/http.js';
import { publishVariant } from '../support/config.js';
import { customerAndQuote, readyForQuote } from '../support/opportunities.js';
import { RecordRepository } from '../../engine/db/records.js';
import { DomainError } from '../../engine/domain/errors.js';

let stack: Stack;
let sales1: HttpClient;
let refs: { customer: string; quote: string };
beforeAll(async () => {
  stack = await startStack();
  sales1 = await stack.as('sales1');
  refs = await customerAndQuote(sales1);
  await publishVariant(stack, (bundle) => {
    const set = (id: string, stage: string) => ({ entity: 'opportunity', trigger: { on: 'manual' }, steps: [{ id, type: 'action', action: 'set', set: { stage } }, { id: 'end', type: 'end' }] });
    bundle.processes['force-won'] = set('win', 'won');
    bundle.processes.qualify = set('qualify', 'qualified');
  });
});
afterAll(async () => {
  await stack?.stop();
});

async function lead(data: Record<string, unknown> = {}): Promise<string> {
  const res = await sales1.post('/api/records/opportunity', { name: 'Gate paths', ...data });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}
const record = async (id: string) => (await sales1.get(`/api/records/opportunity/${id}`)).body;
const stays = async (id: string) => (await sales1.get(`/api/records/opportunity/${id}/stages`)).body.items.map((s: { stage: string }) => s.stage);
const codes = (res: { body: any }) => [res.body.error.code, res.body.error.details.map((d: { path: string }) => d.path)];

describe('no write path moves a stage around its gate', () => {
  it('PATCH of the stage field: by the owner and by an admin, gate, skip and approval stage all refused', async () => {
    const id = await lead();
    const admin = await stack.as('admin');
    for (const client of [sales1, admin]) {
      const gate = await client.patch(`/api/records/opportunity/${id}`, { stage: 'qualified' });
      expect(gate.status).toBe(422);
      expect(codes(gate)).toEqual(['STAGE_GATE_FAILED', ['/customer', '/owner', '/pipelines/opportunity-sales/stages/1/when']]);
      const skip = await client.patch(`/api/records/opportunity/${id}`, { stage: 'quote', ...readyForQuote(refs, 10) });
      expect(skip.status).toBe(409);
      expect(skip.body.error.code).toBe('TRANSITION_NOT_ALLOWED');
      const cleared = await client.patch(`/api/records/opportunity/${id}`, { stage: null });
      expect([cleared.status, cleared.body.error?.code]).toEqual([409, 'TRANSITION_NOT_ALLOWED']);
    }
    expect((await record(id)).data).toMatchObject({ stage: 'lead' });
    expect((await record(id)).data.customer).toBeUndefined();
    const ok = await sales1.patch(`/api/records/opportunity/${id}`, { stage: 'qualified', ...readyForQuote(refs, 2_000_000) });
    expect(ok.status).toBe(200);
    for (const stage of ['needs-confirmed', 'quote']) expect((await sales1.patch(`/api/records/opportunity/${id}`, { stage })).status).toBe(200);
    const approval = await sales1.patch(`/api/records/opportunity/${id}`, { stage: 'negotiation', closeDate: '2027-01-01' });
    expect(approval.status).toBe(409);
    expect(approval.body.error.message).toBe('entering stage "negotiation" needs the approval "big-deal"');
    expect(await stays(id)).toEqual(['lead', 'qualified', 'needs-confirmed', 'quote']);
  });

  it('create straight into a later stage passes the same gate', async () => {
    const res = await sales1.post('/api/records/opportunity', { name: 'Born won', stage: 'won' });
    expect(res.status).toBe(422);
    expect(codes(res)).toEqual(['STAGE_GATE_FAILED', ['/closeDate', '/wonReason']]);
    const skip = await sales1.post('/api/records/opportunity', { name: 'Born late', stage: 'quote', ...readyForQuote(refs, 10) });
    expect(skip.status).toBe(409);
    const ok = await sales1.post('/api/records/opportunity', { name: 'Born won', stage: 'won', closeDate: '2026-11-30', wonReason: 'referral' });
    expect(ok.status).toBe(201);
    expect(await stays(ok.body.id)).toEqual(['won']);
  });

  it('JSON and CSV imports: rows that skip a gate are refused at their pointers, the rest follow the mode', async () => {
    const json = await sales1.post('/api/records/opportunity/import', [
      { name: 'Imported lead' }, { name: 'Imported won', stage: 'won' }, { name: 'Imported quote', stage: 'quote' },
    ]);
    expect(json.status).toBe(422);
    expect(json.body.errors).toEqual([
      { row: 2, path: '/closeDate', message: expect.any(String) }, { row: 2, path: '/wonReason', message: expect.any(String) },
      { row: 3, path: '/stage', message: expect.stringContaining('would skip') },
    ]);
    const csv = 'name,stage,lostReason\r\nCSV lost,lost,price\r\nCSV lost without reason,lost,\r\n';
    const res = await fetch(`${stack.url}/api/records/opportunity/import?mode=valid-only`, {
      method: 'POST', body: csv, headers: { 'content-type': 'text/csv', authorization: `Bearer ${sales1.token}` },
    }).then(async (r) => ({ status: r.status, body: await r.json() as any }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ imported: 1, failed: 1, errors: [{ row: 2, path: '/lostReason' }] });
    const imported = (await sales1.get(`/api/records/opportunity?filter=${encodeURIComponent('record.name == "CSV lost"')}`)).body.items[0];
    expect(imported.data).toMatchObject({ stage: 'lost', lostReason: 'price' });
    expect(await stays(imported.id)).toEqual(['lost']);
    const lead = await sales1.post('/api/records/opportunity/import', [{ name: 'Imported open lead', owner: 'sales1' }]);
    expect(lead.body).toMatchObject({ imported: 1, failed: 0 });
    const row = (await sales1.get(`/api/records/opportunity?filter=${encodeURIComponent('record.name == "Imported open lead"')}`)).body.items[0];
    const clock = await stack.flow.client.workflow.getHandle(`stage-stay:opportunity:${row.id}`).describe();
    expect(clock.status.name).toBe('RUNNING');
  });

  it('process set actions go through the gate: a refused move fails the run and leaves the record', async () => {
    const id = await lead();
    const started = await sales1.post('/api/processes', { process: 'force-won', entity: 'opportunity', recordId: id });
    expect(started.status).toBe(201);
    await expect(stack.flow.client.workflow.getHandle(started.body.id).result()).rejects.toThrow();
    expect((await record(id)).data.stage).toBe('lead');

    const ready = await lead(readyForQuote(refs, 10));
    expect((await sales1.post('/api/processes', { process: 'qualify', entity: 'opportunity', recordId: ready })).status).toBe(201);
    await eventually(async () => (await record(ready)).data.stage === 'qualified', 8000);
    const items = (await sales1.get(`/api/records/opportunity/${ready}/stages`)).body.items;
    expect(items.at(-1)).toMatchObject({ stage: 'qualified', actor: 'system' });
  });

  it('a system write (the worker activity of a set action) refuses a gated move with the same error', async () => {
    const id = await lead();
    const repo = new RecordRepository(stack.orm.em.fork());
    const error = await repo.systemUpdate('opportunity', id, { stage: 'lost' }, 'system', `test:${id}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('STAGE_GATE_FAILED');
    expect((error as DomainError).details.map((d) => d.path)).toEqual(['/lostReason']);
    const approval = await repo.systemUpdate('opportunity', id, { ...readyForQuote(refs, 2_000_000) }, 'system', `test2:${id}`);
    expect(approval.data.stage).toBe('lead');
    expect(await stays(id)).toEqual(['lead']);
  });
});
