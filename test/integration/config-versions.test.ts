import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import type { HttpClient } from '../support/http.js';
import { checkCompatibility } from '../../engine/db/config-compatibility.js';

let stack: Stack;
let admin: HttpClient;
let v1: any;
const ids: string[] = [];

beforeAll(async () => {
  stack = await startStack({ worker: false });
  admin = await stack.as('admin');
  const { version: _v, hash: _h, ...bundle } = (await admin.get('/api/config')).body;
  v1 = bundle;
  const sales1 = await stack.as('sales1');
  const line = [{ product: 'Pump', quantity: 1, unitPrice: 10 }];
  for (const data of [
    { customerName: 'A', lines: line, discountPercent: 5, total: 1000 },
    { customerName: 'B', lines: line, discountPercent: 15, total: 2500.5 },
    { customerName: 'C', lines: line },
  ]) {
    const res = await sales1.post('/api/records/quote', data);
    expect(res.status).toBe(201);
    ids.push(res.body.id);
  }
});
afterAll(async () => {
  await stack?.stop();
});

/** Requires a new `region` without default, drops discountPercent, makes total an integer, drops the `draft` status. */
function breakingCandidate(base: any) {
  const b = structuredClone(base);
  const schema = b.entities.quote.schema;
  schema.properties.region = { type: 'string', minLength: 1 };
  schema.required = [...schema.required, 'region'];
  delete schema.properties.discountPercent;
  const order = b.entities.quote.ui?.['ui:order'];
  if (Array.isArray(order)) b.entities.quote.ui['ui:order'] = order.filter((f: string) => f !== 'discountPercent');
  schema.properties.total.type = 'integer';
  schema.properties.status.enum = ['pending_approval', 'approved', 'rejected'];
  schema.properties.status.default = 'pending_approval';
  for (const chain of (Object.values(b.approvalChains) as any[]).filter((c) => c.entity === 'quote')) {
    for (const step of chain.steps) step.when = 'has(record.total) && record.total > 500000';
    chain.lock = ['lines', 'total'];
    chain.onRecall = { set: { status: 'pending_approval' } };
  }
  return b;
}

async function sql(text: string, params: unknown[] = []) {
  return stack.orm.em.fork().getConnection().execute(text, params);
}

describe('configuration versions', () => {
  it('serves the meta-schemas by file name to signed-in users, as the engine validates with them', async () => {
    const res = await (await stack.as('sales1')).get('/api/config/meta-schemas');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.schemas)).toEqual(expect.arrayContaining(['common.schema.json', 'entity.schema.json', 'process.schema.json', 'bundle.schema.json']));
    expect(res.body.schemas['entity.schema.json'].$id).toBe('https://schemas.flowcrm.dev/meta/entity.schema.json');
    expect((await stack.anonymous().get('/api/config/meta-schemas')).status).toBe(401);
  });

  it('serves one version by number, and 404 for a version that does not exist', async () => {
    const res = await admin.get('/api/config/versions/1');
    expect(res.status).toBe(200);
    const { version, hash, ...bundle } = res.body;
    expect(version).toBe(1);
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(bundle).toEqual(v1);
    expect((await admin.get('/api/config/versions/99')).status).toBe(404);
    expect((await admin.get('/api/config/versions/1/diff/99')).body.error.code).toBe('NOT_FOUND');
  });

  it('reports, with database counts, each way a candidate breaks the stored quotes', async () => {
    const res = await admin.post('/api/config/compatibility', breakingCandidate(v1));
    expect(res.status).toBe(200);
    expect(res.body.compatible).toBe(false);
    expect(res.body.issues.map((i: any) => [i.path, i.code, i.records, i.checked ?? null, i.sampled ?? null])).toEqual([
      ['/region', 'REQUIRED_FIELD_ADDED', 3, null, null],
      ['/discountPercent', 'FIELD_REMOVED', 2, null, null],
      ['/status', 'ENUM_VALUE_REMOVED', 3, null, null],
      ['/total', 'TYPE_CHANGED', 1, 3, false],
    ]);
    expect(res.body.issues.every((i: any) => i.entity === 'quote')).toBe(true);
    expect(res.body.issues[3].message).toContain(`record ${ids[1]}: /total must be integer`);
    expect(await admin.post('/api/config/compatibility', v1)).toMatchObject({ status: 200, body: { compatible: true, issues: [] } });
  });

  it('validates the candidate before checking it, and is for admins only', async () => {
    const broken = structuredClone(v1);
    broken.processes['quote-approval'].steps[0].chain = 'nope';
    const invalid = await admin.post('/api/config/compatibility', broken);
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.code).toBe('CONFIG_INVALID');
    expect((await (await stack.as('sales1')).post('/api/config/compatibility', v1)).status).toBe(403);
  });

  it('samples the re-validation beyond the limit and says so', async () => {
    const candidate = structuredClone(v1);
    candidate.entities.quote.schema.properties.customerName = { type: 'string', maxLength: 0 };
    const report = await checkCompatibility(stack.orm.em.fork(), v1, candidate, { sampleLimit: 2, batchSize: 1 });
    expect(report.issues).toEqual([expect.objectContaining({ path: '/customerName', code: 'CONSTRAINT_TIGHTENED', records: 2, checked: 2, sampled: true })]);
  });

  it('refuses an incompatible publish with 422 INCOMPATIBLE_CHANGE and leaves no trace, not even of its backfill', async () => {
    const res = await admin.post('/api/config/publish', { ...breakingCandidate(v1), backfill: { quote: { region: 'east' } } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('INCOMPATIBLE_CHANGE');
    expect(res.body.error.details.map((d: any) => [d.path, d.code])).toEqual([
      ['/entities/quote/schema/properties/discountPercent', 'FIELD_REMOVED'],
      ['/entities/quote/schema/properties/status', 'ENUM_VALUE_REMOVED'],
      ['/entities/quote/schema/properties/total', 'TYPE_CHANGED'],
    ]);
    expect((await admin.get('/api/config/versions')).body.items).toHaveLength(1);
    expect(await sql(`select count(*)::int as n from records where data ? 'region'`)).toEqual([{ n: 0 }]);
    expect(await sql(`select count(*)::int as n from audit_entries where action = 'backfill'`)).toEqual([{ n: 0 }]);
  });

  it('checks the backfill against the candidate: unknown entities and fields, invalid values', async () => {
    const candidate = structuredClone(v1);
    candidate.entities.quote.schema.properties.region = { type: 'string', minLength: 1 };
    candidate.entities.quote.schema.properties.code = { type: 'string', 'x-unique': true };
    const res = await admin.post('/api/config/publish', { ...candidate, backfill: { quote: { region: 5, nope: 1, code: 'Q' }, nosuch: { x: 1 } } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.map((d: any) => d.path).sort()).toEqual(['/backfill/nosuch', '/backfill/quote/code', '/backfill/quote/nope', '/backfill/quote/region']);
    expect((await admin.get('/api/config/versions')).body.items).toHaveLength(1);
  });

  it('publishes a new required field with a backfill in one transaction, auditing each record', async () => {
    const candidate = structuredClone(v1);
    candidate.entities.quote.schema.properties.region = { type: 'string', minLength: 1 };
    candidate.entities.quote.schema.required.push('region');
    const refused = await admin.post('/api/config/publish', candidate);
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ path: '/entities/quote/schema/properties/region', code: 'REQUIRED_FIELD_ADDED' })]);

    const res = await admin.post('/api/config/publish', { ...candidate, backfill: { quote: { region: 'east' } } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ version: 2, backfilled: { quote: { region: 3 } }, forcedIssues: [] });
    const sales1 = await stack.as('sales1');
    for (const id of ids) {
      const record = (await sales1.get(`/api/records/quote/${id}`)).body;
      expect(record.data.region).toBe('east');
      expect(record.version).toBe(2);
      const history = (await sales1.get(`/api/records/quote/${id}/history`)).body.items;
      expect(history.at(-1)).toMatchObject({ action: 'backfill', actor: 'admin', changes: { region: { before: null, after: 'east' } }, context: { configVersion: 2 } });
    }
    const diff = await admin.get('/api/config/versions/1/diff/2');
    expect(diff.body).toEqual({
      from: 1, to: 2,
      changes: [{ kind: 'entity', name: 'quote', change: 'modified', paths: ['/schema/properties/region', '/schema/required/2'] }],
    });
    const created = await sales1.post('/api/records/quote', { customerName: 'D', lines: [{ product: 'P', quantity: 1, unitPrice: 1 }] });
    expect(created.status).toBe(422);
    expect(created.body.error.details.map((d: any) => d.path)).toEqual(['/region']);
  });

  it('rolls back by republishing an earlier version, through the same compatibility check', async () => {
    const sales1 = await stack.as('sales1');
    expect((await sales1.post('/api/config/rollback', { version: 1 })).status).toBe(403);
    expect((await admin.post('/api/config/rollback', { version: 42 })).status).toBe(404);

    const refused = await admin.post('/api/config/rollback', { version: 1 });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('INCOMPATIBLE_CHANGE');
    expect(refused.body.error.details).toEqual([expect.objectContaining({ path: '/entities/quote/schema/properties/region', code: 'FIELD_REMOVED' })]);
    expect(refused.body.error.details[0].message).toContain('(3 records)');

    const res = await admin.post('/api/config/rollback', { version: 1, force: true });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ version: 3, republished: 1 });
    expect(res.body.forcedIssues).toEqual([expect.objectContaining({ code: 'FIELD_REMOVED', records: 3 })]);
    expect((await admin.get('/api/config/versions/1/diff/3')).body.changes).toEqual([]);
    const current = (await admin.get('/api/config')).body;
    expect(current.version).toBe(3);
    expect(current.hash).toBe((await admin.get('/api/config/versions/1')).body.hash);
    const versions = (await admin.get('/api/config/versions')).body.items;
    expect(versions.map((v: any) => v.version)).toEqual([3, 2, 1]);
  });

  it('publishes an incompatible bundle with ?force=true and reports what it accepted', async () => {
    const res = await admin.post('/api/config/publish?force=true', breakingCandidate(v1));
    expect(res.status).toBe(201);
    expect(res.body.version).toBe(4);
    // Every quote got a region from the backfill of version 2, so the new required region breaks none of them.
    expect(res.body.forcedIssues.map((i: any) => [i.code, i.records])).toEqual([['FIELD_REMOVED', 2], ['ENUM_VALUE_REMOVED', 3], ['TYPE_CHANGED', 1]]);
  });
});
