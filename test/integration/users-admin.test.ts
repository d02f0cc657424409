import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import type { HttpClient } from '../support/http.js';

let stack: Stack;
let admin: HttpClient;
beforeAll(async () => {
  stack = await startStack({ worker: false });
  admin = await stack.as('admin');
});
afterAll(async () => {
  await stack?.stop();
});

const sql = (text: string, params: unknown[] = []) => stack.orm.em.fork().getConnection().execute(text, params);
const newUser = { username: 'sales9', displayName: 'Sales Nine', roles: ['sales_rep'], unit: 'east-1', manager: 'branchmgr', password: 'correct horse' };

describe('users admin API', () => {
  it('lets an admin add a user who can then sign in, audited without the password', async () => {
    const created = await admin.post('/api/users', newUser);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ username: 'sales9', displayName: 'Sales Nine', roles: ['sales_rep'], unit: 'east-1', manager: 'branchmgr', active: true });
    const login = await stack.anonymous().post('/api/auth/login', { username: 'sales9', password: 'correct horse' });
    expect(login.status).toBe(200);
    const audit = await sql(`select actor, changes::text as changes from audit_entries where entity = 'user' and action = 'create'`);
    expect(audit).toHaveLength(1);
    expect(audit[0].actor).toBe('admin');
    expect(audit[0].changes).toContain('sales9');
    expect(audit[0].changes).not.toContain('correct horse');
    expect((await admin.post('/api/users', newUser)).status).toBe(409);
  });

  it('changes roles, unit, manager and active, auditing each change with its old and new value', async () => {
    const res = await admin.patch('/api/users/sales9', { roles: ['sales_rep', 'branch_manager'], unit: 'east', manager: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ roles: ['sales_rep', 'branch_manager'], unit: 'east', manager: null, active: true });
    const [entry] = await sql(`select actor, changes from audit_entries where entity = 'user' and action = 'update' order by seq desc limit 1`);
    expect(entry.actor).toBe('admin');
    expect(entry.changes).toEqual({
      username: 'sales9', roles: { from: ['sales_rep'], to: ['sales_rep', 'branch_manager'] }, unit: { from: 'east-1', to: 'east' }, manager: { from: 'branchmgr', to: null },
    });
    const token = (await stack.anonymous().post('/api/auth/login', { username: 'sales9', password: 'correct horse' })).body.token as string;
    expect((await admin.patch('/api/users/sales9', { active: false })).status).toBe(200);
    expect((await fetch(`${stack.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await stack.anonymous().post('/api/auth/login', { username: 'sales9', password: 'correct horse' })).status).toBe(401);
  });

  it('refuses unknown roles, units and managers with paths, and writes nothing', async () => {
    const bad = await admin.post('/api/users', { ...newUser, username: 'ghost', roles: ['sales_rep', 'wizard'], unit: 'mars', manager: 'nobody' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(['/roles/1', '/unit', '/manager']);
    expect((await admin.patch('/api/users/sales1', { manager: 'sales1' })).body.error.details[0].path).toBe('/manager');
    expect((await admin.patch('/api/users/nobody', { active: false })).status).toBe(404);
    expect((await admin.patch('/api/users/admin', { active: false })).body.error.details[0].path).toBe('/active');
    expect((await admin.patch('/api/users/admin', { roles: ['finance'] })).body.error.details[0].path).toBe('/roles');
    expect((await sql(`select active, roles from users where username = 'admin'`))[0]).toEqual({ active: true, roles: ['admin'] });
    expect((await admin.patch('/api/users/sales1', {})).status).toBe(422);
    expect((await admin.post('/api/users', { ...newUser, username: 'Bad Name' })).status).toBe(422);
    expect((await admin.post('/api/users', { ...newUser, username: 'shortpw', password: 'x' })).status).toBe(422);
    expect((await sql(`select count(*)::int as n from users where username in ('ghost', 'shortpw')`))[0].n).toBe(0);
  });

  it('is a read-only directory for other users (active users only) and refuses their writes, audited', async () => {
    const sales1 = await stack.as('sales1');
    const list = await sales1.get('/api/users');
    expect(list.status).toBe(200);
    const names = list.body.items.map((u: { username: string }) => u.username);
    expect(names).toContain('branchmgr');
    expect(names).not.toContain('sales9');
    expect((await admin.get('/api/users')).body.items.map((u: { username: string }) => u.username)).toContain('sales9');
    const refused = await sales1.post('/api/users', { ...newUser, username: 'sneaky' });
    expect(refused.status).toBe(403);
    expect((await sales1.patch('/api/users/sales1', { roles: ['admin'] })).status).toBe(403);
    expect((await sql(`select roles from users where username = 'sales1'`))[0].roles).not.toContain('admin');
    const denied = await sql(`select count(*)::int as n from audit_entries where entity = 'request' and action = 'forbidden' and actor = 'sales1'`);
    expect(denied[0].n).toBe(2);
  });
});
