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
