import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { loginRateLimit } from '../../engine/api/plugins/rate-limit.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false, loginRateLimit: 3 });
});
afterAll(async () => {
  await stack?.stop();
});

const login = (username: string, password: string) => stack.anonymous().post('/api/auth/login', { username, password });

describe('per-IP login rate limit', () => {
  it('refuses the fourth login of a minute from one address with 429 RATE_LIMITED and Retry-After, across usernames, without auditing it', async () => {
    expect((await login('sales1', 'demo')).status).toBe(200);
    expect((await login('sales2', 'wrong')).status).toBe(401);
    expect((await login('finance', 'wrong')).status).toBe(401);
    const limited = await fetch(`${stack.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'credit1', password: 'demo' }) });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = await limited.json() as { error: { code: string; message: string; details: unknown[] }; token?: string };
    expect(body.error.code).toBe('RATE_LIMITED');
    expect(body.error.details).toEqual([]);
    expect(body.token).toBeUndefined();
    const audit = await stack.orm.em.fork().getConnection().execute(`select count(*)::int as n from audit_entries where entity = 'session' and actor = 'credit1'`);
    expect(audit[0].n).toBe(0);
  });

  it('leaves signed-in routes alone', async () => {
    const token = (await stack.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.9.8.7', payload: { username: 'admin', password: 'demo' } })).json().token as string;
    for (let i = 0; i < 5; i++) {
      expect((await fetch(`${stack.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    }
  });

  it('counts per address: another client IP still logs in', async () => {
    const other = await stack.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.1.2.3', payload: { username: 'sales1', password: 'demo' } });
    expect(other.statusCode).toBe(200);
  });
});

describe('the configured limit', () => {
  it.each([
    [undefined, undefined, 20], [undefined, '50', 50], [5, '50', 5], [undefined, 'abc', 20], [undefined, '0', 20], [undefined, '-3', 20],
  ] as const)('deps %s, FLOWCRM_LOGIN_RATE_LIMIT %s: %s per minute', (configured, env, expected) => {
    expect(loginRateLimit(configured, env)).toBe(expected);
  });
});
