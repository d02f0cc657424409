import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { quoteData } from '../support/quotes.js';
import { HttpClient } from '../support/http.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack?.stop();
});

describe('records API', () => {
  it('creates a record with defaults filled, reads it back and audits the write', async () => {
    const sales1 = await stack.as('sales1');
    const created = await sales1.post('/api/records/quote', quoteData(12, 1200));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ entity: 'quote', version: 1, createdBy: 'sales1', updatedBy: 'sales1', data: { status: 'draft', discountPercent: 12 } });
    const read = await sales1.get(`/api/records/quote/${created.body.id}`);
    expect(read.body).toEqual({ ...created.body, locks: { fields: [], processIds: [] } }); // a single read also names its locks
    const history = await sales1.get(`/api/records/quote/${created.body.id}/history`);
    expect(history.body.items).toHaveLength(1);
    expect(history.body.items[0]).toMatchObject({ actor: 'sales1', action: 'create', changes: { customerName: { before: null, after: 'Acme Trading' } } });
  });

  it('accepts the data wrapped as {data} and reports paths inside it', async () => {
    const sales1 = await stack.as('sales1');
    expect((await sales1.post('/api/records/quote', { data: quoteData(1, 10) })).status).toBe(201);
    const bad = await sales1.post('/api/records/quote', { data: { ...quoteData(1, 10), total: -1 } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(['/data/total']);
  });

  it('merge-patches with If-Match and answers 412 on a stale version', async () => {
    const sales1 = await stack.as('sales1');
    const { body: record } = await sales1.post('/api/records/quote', quoteData(3, 300));
    const patched = await sales1.patch(`/api/records/quote/${record.id}`, { discountPercent: 4, total: null }, { 'if-match': '1' });
    expect(patched.status).toBe(200);
    expect(patched.body.version).toBe(2);
    expect(patched.body.data.discountPercent).toBe(4);
    expect('total' in patched.body.data).toBe(false);
    const stale = await sales1.patch(`/api/records/quote/${record.id}`, { discountPercent: 5 }, { 'if-match': '1' });
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('PRECONDITION_FAILED');
    const history = await sales1.get(`/api/records/quote/${record.id}/history`);
    expect(history.body.items.at(-1)).toMatchObject({ action: 'update', actor: 'sales1', changes: { discountPercent: { before: 3, after: 4 }, total: { before: 300, after: null } } });
  });

  it('refuses writes to read-only fields and invalid patches without changing the record', async () => {
    const sales1 = await stack.as('sales1');
    const { body: record } = await sales1.post('/api/records/quote', quoteData(3, 300));
    const forged = await sales1.patch(`/api/records/quote/${record.id}`, { status: 'approved' });
    expect(forged.status).toBe(422);
    expect(forged.body.error.details).toEqual([expect.objectContaining({ path: '/status', code: 'READ_ONLY_FIELD' })]);
    expect((await sales1.post('/api/records/quote', { ...quoteData(3, 300), status: 'approved' })).status).toBe(422);
    const invalid = await sales1.patch(`/api/records/quote/${record.id}`, { lines: [] });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.details[0].path).toBe('/lines');
    const after = await sales1.get(`/api/records/quote/${record.id}`);
    expect(after.body.version).toBe(1);
  });

  it('answers 404 for unknown entities and records, and deletes softly', async () => {
    const sales1 = await stack.as('sales1');
    expect((await sales1.get('/api/records/nosuch')).status).toBe(404);
    expect((await sales1.post('/api/records/nosuch', {})).status).toBe(404);
    expect((await sales1.get('/api/records/quote/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await sales1.get('/api/records/quote/not-a-uuid')).status).toBe(404);
    const { body: record } = await sales1.post('/api/records/quote', quoteData(1, 1));
    expect((await sales1.delete(`/api/records/quote/${record.id}`)).status).toBe(204);
    expect((await sales1.get(`/api/records/quote/${record.id}`)).status).toBe(404);
    const history = await stack.orm.em.fork().getConnection().execute(`select action from audit_entries where record_id = ? order by at`, [record.id]);
    expect(history.map((h) => h.action)).toEqual(['create', 'delete']);
  });

  it('pages through a list with a stable cursor', async () => {
    const sales2 = await stack.as('sales2');
    for (let i = 0; i < 7; i++) await sales2.post('/api/records/quote', quoteData(i, 100 + i, `Paging ${i}`));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await sales2.get(`/api/records/quote?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.body.items.map((r) => r.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    const all = await sales2.get('/api/records/quote?limit=500');
    expect(seen).toEqual(all.body.items.map((r: { id: string }) => r.id));
    expect(new Set(seen).size).toBe(seen.length);
    expect((await sales2.get('/api/records/quote?cursor=garbage')).status).toBe(422);
    expect((await sales2.get('/api/records/quote?limit=0')).status).toBe(422);
  });
});

describe('auth', () => {
  it('logs in with the demo password and rejects a wrong one', async () => {
    const anon = stack.anonymous();
    const ok = await anon.post('/api/auth/login', { username: 'branchmgr', password: 'demo' });
    expect(ok.status).toBe(200);
    expect(ok.body.user).toMatchObject({ username: 'branchmgr', roles: ['branch_manager'], manager: 'regiondir' });
    const bad = await anon.post('/api/auth/login', { username: 'branchmgr', password: 'wrong' });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('UNAUTHORIZED');
    const missing = await anon.post('/api/auth/login', { username: 'branchmgr' });
    expect(missing.status).toBe(422);
    expect(missing.body.error.details[0].path).toBe('/password');
  });

  it('requires a valid token on every other route', async () => {
    const anon = stack.anonymous();
    for (const path of ['/api/records/quote', '/api/inbox', '/api/config', '/api/config/versions']) {
      const res = await anon.get(path);
      expect(res.status, path).toBe(401);
    }
    const forged = await new HttpClient(stack.url, 'not.a.token').get('/api/inbox');
    expect(forged.status).toBe(401);
    expect((await anon.get('/health')).status).toBe(200);
  });
});

describe('configuration', () => {
  it('serves the published starter pack as version 1', async () => {
    const admin = await stack.as('admin');
    const config = await admin.get('/api/config');
    expect(config.body.version).toBe(1);
    expect(Object.keys(config.body.entities)).toContain('quote');
    expect(config.body.processes['quote-approval'].entity).toBe('quote');
  });

  it('validates a bundle and reports errors with codes and JSON pointers', async () => {
    const admin = await stack.as('admin');
    const { body: config } = await admin.get('/api/config');
    const { version: _v, hash: _h, ...bundle } = config;
    expect((await admin.post('/api/config/validate', bundle)).body).toEqual({ valid: true, errors: [] });
    bundle.approvalChains['quote-discount'].steps[0].when = 'record.discountPercent >';
    const result = await admin.post('/api/config/validate', bundle);
    expect(result.body.valid).toBe(false);
    expect(result.body.errors).toContainEqual(expect.objectContaining({ code: 'INVALID_EXPRESSION', path: '/approvalChains/quote-discount/steps/0/when' }));
  });

  it('publishes new immutable versions for admins only, and refuses invalid bundles with 422', async () => {
    const admin = await stack.as('admin');
    const { body: config } = await admin.get('/api/config');
    const { version: _v, hash: _h, ...bundle } = config;
    expect((await (await stack.as('sales1')).post('/api/config/publish', bundle)).status).toBe(403);
    const broken = structuredClone(bundle);
    broken.processes['quote-approval'].steps[0].chain = 'missing-chain';
    const refused = await admin.post('/api/config/publish', broken);
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toContainEqual(expect.objectContaining({ path: '/processes/quote-approval/steps/0/chain' }));
    bundle.entities.quote.label = { en: 'Offer', zh: '报价单' };
    const published = await admin.post('/api/config/publish', bundle);
    expect(published.status).toBe(201);
    expect(published.body.version).toBe(2);
    const versions = await admin.get('/api/config/versions');
    expect(versions.body.items.map((v: { version: number; author: string }) => [v.version, v.author])).toEqual([[2, 'admin'], [1, 'admin']]);
    expect(versions.body.items[0].hash).not.toBe(versions.body.items[1].hash);
  });
});

describe('API document', () => {
  it('publishes OpenAPI 3 with every contract route', async () => {
    const doc = await stack.anonymous().get('/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    for (const path of ['/health', '/ready', '/api/auth/login', '/api/config', '/api/config/validate', '/api/config/publish', '/api/config/versions',
      '/api/records/{entity}', '/api/records/{entity}/{id}', '/api/records/{entity}/{id}/history', '/api/processes', '/api/processes/{id}',
      '/api/processes/{id}/events/{name}', '/api/inbox', '/api/tasks/{id}', '/api/tasks/{id}/complete', '/api/tasks/{id}/claim', '/api/tasks/{id}/release']) {
      expect(Object.keys(doc.body.paths), path).toContain(path);
    }
    expect((await stack.anonymous().get('/docs/')).status).toBe(200);
  });
});
