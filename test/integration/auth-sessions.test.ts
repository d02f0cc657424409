import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { HttpClient } from '../support/http.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack?.stop();
});

const login = (username: string, password: string) => stack.anonymous().post('/api/auth/login', { username, password });

describe('login lockout', () => {
  it('locks a username after 5 failed logins, even for the right password, audits it, and leaves other users alone', async () => {
    expect((await login('credit1', 'wrong')).status).toBe(401);
    expect((await login('credit1', 'demo')).status).toBe(200); // a success resets the count
    for (let i = 0; i < 5; i++) expect((await login('credit1', `wrong-${i}`)).status).toBe(401);
    const locked = await login('credit1', 'demo');
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('ACCOUNT_LOCKED');
    expect(locked.body.token).toBeUndefined();
    expect((await login('creditmgr', 'demo')).status).toBe(200);
    const audit = await stack.orm.em.fork().getConnection().execute(
      `select action from audit_entries where entity = 'session' and actor = 'credit1' order by seq`);
    expect(audit.map((a) => a.action)).toEqual(['login_failed', 'login', ...Array(5).fill('login_failed'), 'login_locked']);
  });

  it('locks unknown usernames the same way, so the answer does not tell which names exist', async () => {
    for (let i = 0; i < 5; i++) expect((await login('nobody-here', 'x')).status).toBe(401);
    expect((await login('nobody-here', 'x')).status).toBe(429);
  });
});

describe('sessions', () => {
  it('refuses a token after logout, keeps other sessions of the same user, and audits the logout', async () => {
    const first = (await login('finance', 'demo')).body.token as string;
    const second = (await login('finance', 'demo')).body.token as string;
    const client = (token: string) => new HttpClient(stack.url, token);
    expect((await client(first).get('/api/auth/me')).status).toBe(200);
    expect((await client(first).post('/api/auth/logout')).status).toBe(204);
    const refused = await client(first).get('/api/auth/me');
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('UNAUTHORIZED');
    expect((await client(first).post('/api/auth/logout')).status).toBe(401);
    expect((await client(second).get('/api/auth/me')).status).toBe(200);
    const audit = await stack.orm.em.fork().getConnection().execute(`select count(*)::int as n from audit_entries where entity = 'session' and action = 'logout' and actor = 'finance'`);
    expect(audit[0].n).toBe(1);
  });

  it('ends every session of a deactivated user at once', async () => {
    const token = (await login('collector1', 'demo')).body.token as string;
    const client = new HttpClient(stack.url, token);
    expect((await client.get('/api/auth/me')).status).toBe(200);
    await stack.orm.em.fork().getConnection().execute(`update users set active = false where username = 'collector1'`);
    expect((await client.get('/api/auth/me')).status).toBe(401);
  });
});

const signIn = async (username: string, password = 'demo') => {
  const answer = await login(username, password);
  expect(answer.status).toBe(200);
  return new HttpClient(stack.url, answer.body.token as string);
};
const sql = (text: string, params: unknown[] = []) => stack.orm.em.fork().getConnection().execute(text, params);
const hashOf = async (username: string) => (await sql('select password_hash from users where username = ?', [username]))[0].password_hash as string;
const userAudit = (action: string, username: string) => sql(`select actor, changes, context from audit_entries where entity = 'user' and action = ? and changes->>'username' = ? order by seq`, [action, username]);

describe('POST /api/auth/password', () => {
  it('changes the password, keeps this session, ends the other sessions of the user, and audits it', async () => {
    const current = await signIn('sales2');
    const other = await signIn('sales2');
    const someoneElse = await signIn('sales3');
    const changed = await current.post('/api/auth/password', { currentPassword: 'demo', newPassword: 'a long new secret' });
    expect(changed.status).toBe(204);
    expect((await current.get('/api/auth/me')).status).toBe(200);
    const ended = await other.get('/api/auth/me');
    expect(ended.status).toBe(401);
    expect(ended.body.error.code).toBe('UNAUTHORIZED');
    expect((await someoneElse.get('/api/auth/me')).status).toBe(200);
    expect((await login('sales2', 'demo')).status).toBe(401);
    expect((await login('sales2', 'a long new secret')).status).toBe(200);
    const [entry] = await userAudit('password_change', 'sales2');
    expect(entry.actor).toBe('sales2');
    expect(entry.changes).toEqual({ username: 'sales2', sessionsEnded: 1 });
    expect(JSON.stringify(entry)).not.toContain('a long new secret');
    expect(await hashOf('sales2')).toMatch(/^scrypt\$/);
  });

  it('refuses a wrong current password with 422 and a path, audits it, counts it towards the lockout, and changes nothing', async () => {
    const client = await signIn('tech1');
    const before = await hashOf('tech1');
    const wrong = await client.post('/api/auth/password', { currentPassword: 'not it', newPassword: 'another good secret' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.code).toBe('INVALID_CURRENT_PASSWORD');
    expect(wrong.body.error.details).toEqual([{ path: '/currentPassword', message: 'wrong password' }]);
    expect(await hashOf('tech1')).toBe(before);
    const failures = await sql(`select count(*)::int as n from audit_entries where entity = 'session' and action = 'password_change_failed' and actor = 'tech1'`);
    expect(failures[0].n).toBe(1);
    for (let i = 0; i < 4; i++) expect((await client.post('/api/auth/password', { currentPassword: `no-${i}`, newPassword: 'another good secret' })).status).toBe(422);
    const locked = await client.post('/api/auth/password', { currentPassword: 'demo', newPassword: 'another good secret' });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('ACCOUNT_LOCKED');
    expect(await hashOf('tech1')).toBe(before);
  });

  it('refuses weak new passwords with WEAK_PASSWORD, one coded detail per rule, and changes nothing', async () => {
    const client = await signIn('dispatcher');
    const before = await hashOf('dispatcher');
    const cases: [string, string[]][] = [['short', ['TOO_SHORT']], ['Dispatcher', ['SAME_AS_USERNAME']], ['demo', ['TOO_SHORT', 'SAME_AS_CURRENT']]];
    for (const [newPassword, codes] of cases) {
      const refused = await client.post('/api/auth/password', { currentPassword: 'demo', newPassword });
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe('WEAK_PASSWORD');
      expect(refused.body.error.details.map((d: { code: string; path: string }) => [d.path, d.code])).toEqual(codes.map((c) => ['/newPassword', c]));
    }
    const malformed = await client.post('/api/auth/password', { currentPassword: 'demo', newPassword: 'long enough secret', extra: 1 });
    expect(malformed.status).toBe(422);
    expect(malformed.body.error.code).toBe('VALIDATION_FAILED');
    expect(await hashOf('dispatcher')).toBe(before);
  });

  it('is not open to API tokens, nor to anonymous callers', async () => {
    const admin = await stack.as('admin');
    const token = (await admin.post('/api/auth/tokens', { name: 'password-probe', scopes: ['records:read', 'records:write', 'processes:write', 'tasks:write'] })).body.token as string;
    const refused = await new HttpClient(stack.url, token).post('/api/auth/password', { currentPassword: 'demo', newPassword: 'token cannot do this' });
    expect(refused.status).toBe(403);
    expect((await stack.anonymous().post('/api/auth/password', { currentPassword: 'demo', newPassword: 'nobody signed in' })).status).toBe(401);
  });
});

describe('POST /api/users/:username/password (admin reset)', () => {
  it('sets the password, ends every session of the user, and audits who reset it', async () => {
    const session = await signIn('service1');
    const admin = await signIn('admin');
    const reset = await admin.post('/api/users/service1/password', { newPassword: 'set by the admin' });
    expect(reset.status).toBe(204);
    expect((await session.get('/api/auth/me')).status).toBe(401);
    expect((await admin.get('/api/auth/me')).status).toBe(200);
    expect((await login('service1', 'set by the admin')).status).toBe(200);
    const [entry] = await userAudit('password_reset', 'service1');
    expect(entry.actor).toBe('admin');
    expect(entry.changes).toEqual({ username: 'service1', sessionsEnded: 1 });
  });

  it('is for admins only (403, audited), answers 404 for an unknown user and WEAK_PASSWORD for a weak one', async () => {
    const before = await hashOf('finance');
    const rep = await signIn('sales1');
    const refused = await rep.post('/api/users/finance/password', { newPassword: 'taken over account' });
    expect(refused.status).toBe(403);
    const denial = await sql(`select count(*)::int as n from audit_entries where entity = 'request' and action = 'forbidden' and context->>'route' = '/api/users/:username/password'`);
    expect(denial[0].n).toBe(1);
    const admin = await stack.as('admin');
    expect((await admin.post('/api/users/no-such-user/password', { newPassword: 'good enough secret' })).status).toBe(404);
    const weak = await admin.post('/api/users/finance/password', { newPassword: 'finance' });
    expect(weak.status).toBe(422);
    expect(weak.body.error.code).toBe('WEAK_PASSWORD');
    expect(await hashOf('finance')).toBe(before);
  });
});
