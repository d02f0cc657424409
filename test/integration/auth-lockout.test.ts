import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

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
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['login_failed', 'login', ...Array(5).fill('login_failed'), 'login_locked']);
  });

  it('locks unknown usernames the same way, so the answer does not tell which names exist', async () => {
    for (let i = 0; i < 5; i++) expect((await login('nobody-here', 'x')).status).toBe(401);
    expect((await login('nobody-here', 'x')).status).toBe(429);
  });
});
