import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  // Read when the route plugin registers: 127.0.0.2 is exempt, every other internal address is not.
  process.env.FLOWCRM_WEBHOOK_ALLOWLIST = '127.0.0.2';
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  delete process.env.FLOWCRM_WEBHOOK_ALLOWLIST;
  await stack?.stop();
});

describe('webhook subscriptions API', () => {
  it('is for admins only', async () => {
    const sales1 = await stack.as('sales1');
    expect((await sales1.get('/api/webhooks')).status).toBe(403);
    const created = await sales1.post('/api/webhooks', { url: 'https://hooks.example.com/x', events: ['*'] });
    expect(created.status).toBe(403);
    expect(created.body.error.code).toBe('FORBIDDEN');
    expect((await stack.anonymous().get('/api/webhooks')).status).toBe(401);
  });

  it('refuses internal targets with 422 WEBHOOK_TARGET_FORBIDDEN at /url', async () => {
    const admin = await stack.as('admin');
    for (const url of ['http://127.0.0.1:8080/hook', 'http://[::1]/hook', 'http://169.254.169.254/latest/meta-data', 'http://localhost:3000/',
      'http://10.0.0.7/', 'http://[::ffff:192.168.1.1]/', 'http://0.0.0.0/', 'http://100.64.0.1/']) {
      const res = await admin.post('/api/webhooks', { url, events: ['task.created'] });
      expect(res.status, url).toBe(422);
      expect(res.body.error.code, url).toBe('WEBHOOK_TARGET_FORBIDDEN');
      expect(res.body.error.details, url).toEqual([expect.objectContaining({ path: '/url', code: 'WEBHOOK_TARGET_FORBIDDEN' })]);
    }
    expect((await admin.get('/api/webhooks')).body.items).toEqual([]);
  });

  it('refuses other schemes, credentials and unknown events as validation failures', async () => {
    const admin = await stack.as('admin');
    const bad = async (body: unknown) => {
      const res = await admin.post('/api/webhooks', body);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      return res.body.error.details.map((d: { path: string }) => d.path);
    };
    expect(await bad({ url: 'ftp://hooks.example.com/', events: ['*'] })).toEqual(['/url']);
    expect(await bad({ url: 'https://user:secret@hooks.example.com/', events: ['*'] })).toEqual(['/url']);
    expect(await bad({ url: 'https://hooks.example.com/', events: ['task.exploded'] })).toEqual(['/events/0']);
    expect(await bad({ url: 'https://hooks.example.com/', events: [] })).toEqual(['/events']);
  });

  it('keeps the role whose field access a subscription gets, and refuses an unknown one with 422 at /asRole', async () => {
    const admin = await stack.as('admin');
    const unknown = await admin.post('/api/webhooks', { url: 'http://127.0.0.2:9/hook', events: ['*'], asRole: 'integration_ghost' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('VALIDATION_FAILED');
    expect(unknown.body.error.details).toEqual([expect.objectContaining({ path: '/asRole', code: 'UNKNOWN_ROLE' })]);
    for (const prototypeKey of ['constructor', '__proto__']) {
      expect((await admin.post('/api/webhooks', { url: 'http://127.0.0.2:9/hook', events: ['*'], asRole: prototypeKey })).status).toBe(422);
    }
    expect((await admin.post('/api/webhooks', { url: 'http://127.0.0.2:9/hook', events: ['*'], asRole: '' })).body.error.details[0].path).toBe('/asRole');
    expect((await admin.get('/api/webhooks')).body.items).toEqual([]);

    const created = await admin.post('/api/webhooks', { url: 'http://127.0.0.2:9/hook', events: ['*'], asRole: 'branch_manager' });
    expect(created.status).toBe(201);
    expect(created.body.asRole).toBe('branch_manager');
    const plain = await admin.post('/api/webhooks', { url: 'http://127.0.0.2:9/other', events: ['*'] });
    expect(plain.body).not.toHaveProperty('asRole');
    const listed = (await admin.get('/api/webhooks')).body.items;
    expect(listed.map((s: { asRole?: string }) => s.asRole)).toEqual(['branch_manager', undefined]);
    const [audit] = await stack.orm.em.fork().getConnection().execute(`select changes from audit_entries where record_id = ? and action = 'create'`, [created.body.id]);
    expect(audit.changes.asRole).toEqual({ before: null, after: 'branch_manager' });
    for (const id of [created.body.id, plain.body.id]) expect((await admin.delete(`/api/webhooks/${id}`)).status).toBe(204);
  });

  it('creates a subscription, shows its secret once, lists and deletes it (audited)', async () => {
    const admin = await stack.as('admin');
    const created = await admin.post('/api/webhooks', { url: 'http://127.0.0.2:9/hook', events: ['task.created', 'task.completed', 'task.created'], description: 'ERP' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: 'http://127.0.0.2:9/hook', events: ['task.created', 'task.completed'], active: true, createdBy: 'admin', description: 'ERP' });
    expect(created.body.secret).toMatch(/^whsec_[0-9a-f]{64}$/);

    const listed = await admin.get('/api/webhooks');
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0].id).toBe(created.body.id);
    expect(listed.body.items[0]).not.toHaveProperty('secret');

    expect((await admin.delete(`/api/webhooks/${created.body.id}`)).status).toBe(204);
    expect((await admin.get('/api/webhooks')).body.items).toEqual([]);
    const again = await admin.delete(`/api/webhooks/${created.body.id}`);
    expect(again.status).toBe(404);
    expect((await admin.delete('/api/webhooks/not-a-uuid')).status).toBe(404);

    const audit = await stack.orm.em.fork().getConnection().execute(`select action, actor from audit_entries where record_id = ? order by at`, [created.body.id]);
    expect(audit).toEqual([{ action: 'create', actor: 'admin' }, { action: 'delete', actor: 'admin' }]);
  });
});
