import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { HttpClient } from '../support/http.js';

let stack: Stack;
let sales1: HttpClient;
beforeAll(async () => {
  stack = await startStack({ worker: false });
  sales1 = await stack.as('sales1');
});
afterAll(async () => {
  await stack?.stop();
});

const sql = (text: string, params: unknown[] = []) => stack.orm.em.fork().getConnection().execute(text, params);
const withToken = (token: string) => new HttpClient(stack.url, token);

async function create(scopes: string[], extra: Record<string, unknown> = {}, as = sales1) {
  const res = await as.post('/api/auth/tokens', { name: `sync ${scopes.join(' ')}`, scopes, ...extra });
  expect(res.status).toBe(201);
  return res.body as { id: string; token: string; scopes: string[] };
}

describe('API tokens', () => {
  it('shows the secret once and stores only its sha256', async () => {
    const created = await create(['records:read']);
    expect(created.token).toMatch(/^fct_[A-Za-z0-9_-]{43}$/);
    expect(created.scopes).toEqual(['records:read']);
    const rows = await sql(`select token_hash, row_to_json(t)::text as everything from api_tokens t where id = ?`, [created.id]);
    expect(rows[0].token_hash).toBe(createHash('sha256').update(created.token).digest('hex'));
    expect(rows[0].everything).not.toContain(created.token);
    expect(rows[0].everything).not.toContain(created.token.slice(4));
    const list = await sales1.get('/api/auth/tokens');
    expect(list.status).toBe(200);
    const listed = list.body.items.find((t: { id: string }) => t.id === created.id);
    expect(listed).toMatchObject({ name: 'sync records:read', scopes: ['records:read'], expiresAt: null });
    expect(JSON.stringify(list.body)).not.toContain(created.token);
    expect((await (await stack.as('sales2')).get('/api/auth/tokens')).body.items.map((t: { id: string }) => t.id)).not.toContain(created.id);
  });

  it('acts as its user, within its scopes only', async () => {
    const reader = withToken((await create(['records:read'])).token);
    const me = await reader.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('sales1');
    await sales1.post('/api/records/customer', { name: 'Token Reader Ltd' });
    const bySession = await sales1.get('/api/records/customer?limit=500');
    const byToken = await reader.get('/api/records/customer?limit=500');
    expect(byToken.status).toBe(200);
    expect(byToken.body.items.map((r: { id: string }) => r.id).sort()).toEqual(bySession.body.items.map((r: { id: string }) => r.id).sort());
    const write = await reader.post('/api/records/customer', { name: 'Refused Ltd' });
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe('FORBIDDEN');
    expect(write.body.error.details).toEqual([{ path: '/scopes', message: 'needs records:write' }]);
    expect((await sql(`select count(*)::int as n from records where data->>'name' = 'Refused Ltd'`))[0].n).toBe(0);
    for (const [method, path] of [['GET', '/api/config'], ['POST', '/api/auth/tokens'], ['GET', '/api/auth/tokens'], ['GET', '/api/webhooks']] as const) {
      const res = await reader.request(method, path, method === 'POST' ? { name: 'x', scopes: ['records:read'] } : undefined);
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    const denied = await sql(`select count(*)::int as n from audit_entries where entity = 'request' and action = 'forbidden' and actor = 'sales1'`);
    expect(denied[0].n).toBeGreaterThanOrEqual(5);
  });

  it('writes records with records:write, still under the user\'s own permissions', async () => {
    const writer = withToken((await create(['records:read', 'records:write'])).token);
    const created = await writer.post('/api/records/customer', { name: 'Token Writer Ltd' });
    expect(created.status).toBe(201);
    expect(created.body.createdBy).toBe('sales1');
    expect((await writer.post('/api/processes', {})).status).toBe(403);
  });

  it('refuses revoked, expired, unknown tokens and those of a deactivated user, and audits create and revoke', async () => {
    const revoked = await create(['records:read']);
    expect((await withToken(revoked.token).get('/api/auth/me')).status).toBe(200);
    expect((await (await stack.as('sales2')).delete(`/api/auth/tokens/${revoked.id}`)).status).toBe(404);
    expect((await sales1.delete(`/api/auth/tokens/${revoked.id}`)).status).toBe(204);
    const after = await withToken(revoked.token).get('/api/auth/me');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHORIZED');
    expect((await sales1.delete(`/api/auth/tokens/${revoked.id}`)).status).toBe(404);
    expect((await sales1.get('/api/auth/tokens')).body.items.map((t: { id: string }) => t.id)).not.toContain(revoked.id);
    const audit = await sql(`select action, actor from audit_entries where entity = 'api_token' and record_id = ? order by seq`, [revoked.id]);
    expect(audit).toEqual([{ action: 'create', actor: 'sales1' }, { action: 'revoke', actor: 'sales1' }]);

    const expiring = await create(['records:read'], { expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await withToken(expiring.token).get('/api/auth/me')).status).toBe(200);
    await sql(`update api_tokens set expires_at = now() - interval '1 second' where id = ?`, [expiring.id]);
    expect((await withToken(expiring.token).get('/api/auth/me')).status).toBe(401);

    expect((await withToken('fct_' + 'A'.repeat(43)).get('/api/auth/me')).status).toBe(401);

    const collector = await stack.as('collector1');
    const theirs = await create(['records:read'], {}, collector);
    await sql(`update users set active = false where username = 'collector1'`);
    expect((await withToken(theirs.token).get('/api/auth/me')).status).toBe(401);
  });

  it('refuses bad creation bodies with a code and a path', async () => {
    const past = await sales1.post('/api/auth/tokens', { name: 'old', scopes: ['records:read'], expiresAt: '2020-01-01T00:00:00Z' });
    expect(past.status).toBe(422);
    expect(past.body.error.details[0].path).toBe('/expiresAt');
    const unknownScope = await sales1.post('/api/auth/tokens', { name: 'x', scopes: ['config:write'] });
    expect(unknownScope.status).toBe(422);
    expect(unknownScope.body.error.details[0].path).toMatch(/^\/scopes/);
    expect((await sales1.post('/api/auth/tokens', { name: 'x', scopes: [] })).status).toBe(422);
    expect((await sales1.delete('/api/auth/tokens/not-a-uuid')).status).toBe(422);
    expect((await sql(`select count(*)::int as n from api_tokens where name in ('old', 'x')`))[0].n).toBe(0);
  });
});
