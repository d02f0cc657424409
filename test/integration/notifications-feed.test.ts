import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { createNotificationActivities } from '../../worker/notifications/index.js';

let stack: Stack;
let activities: ReturnType<typeof createNotificationActivities>;
beforeAll(async () => {
  stack = await startStack({ worker: false });
  activities = createNotificationActivities({ orm: stack.orm });
});
afterAll(async () => {
  await stack?.stop();
});

const link = { entity: 'quote', recordId: '00000000-0000-4000-8000-000000000001', taskId: 't-1' };

describe('notification feed', () => {
  it('writes one row per known recipient, idempotently', async () => {
    const input = { to: ['sales1', 'sales2', 'sales1', 'ghost'], kind: 'task.assigned', title: 'Approve quote Q-1', body: 'Please decide.', link, idempotencyKey: 'wf-1:notify:1' };
    const first = await activities.notifyUsers(input);
    expect(first.notificationIds).toHaveLength(2);
    expect(first).toMatchObject({ emailed: [], unknown: ['ghost'] });
    expect(await activities.notifyUsers(input)).toEqual(first);
    expect(await activities.notifyUsers({ ...input, to: [], idempotencyKey: 'wf-1:notify:empty' })).toEqual({ notificationIds: [], emailed: [], unknown: [] });
    const rows = await stack.orm.em.fork().getConnection().execute(`select recipient, idempotency_key from notifications order by recipient`);
    expect(rows).toEqual([{ recipient: 'sales1', idempotency_key: 'wf-1:notify:1:sales1' }, { recipient: 'sales2', idempotency_key: 'wf-1:notify:1:sales2' }]);
  });

  it('shows each user only their own notifications, newest first, with the unread count', async () => {
    await activities.notifyUsers({ to: ['sales1'], kind: 'process.completed', title: 'Quote approved', body: 'Q-1 was approved.', idempotencyKey: 'wf-1:notify:2' });
    const sales1 = await stack.as('sales1');
    const sales2 = await stack.as('sales2');
    const mine = await sales1.get('/api/notifications');
    expect(mine.status).toBe(200);
    expect(mine.body.unread).toBe(2);
    expect(mine.body.items.map((n: { title: string }) => n.title)).toEqual(['Quote approved', 'Approve quote Q-1']);
    expect(mine.body.items[1]).toMatchObject({ kind: 'task.assigned', body: 'Please decide.', link, readAt: null });
    expect(mine.body.items[0].link).toBeNull();
    expect((await sales2.get('/api/notifications')).body).toMatchObject({ unread: 1, items: [{ title: 'Approve quote Q-1' }] });
    expect((await (await stack.as('admin')).get('/api/notifications')).body).toEqual({ items: [], unread: 0 });
    expect((await stack.anonymous().get('/api/notifications')).status).toBe(401);
  });

  it('marks one read (only the owner can), then all', async () => {
    const sales1 = await stack.as('sales1');
    const sales2 = await stack.as('sales2');
    const [newest, older] = (await sales1.get('/api/notifications')).body.items;

    const foreign = await sales2.post(`/api/notifications/${older.id}/read`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('NOT_FOUND');
    expect((await sales2.post('/api/notifications/nope/read')).status).toBe(404);

    const read = await sales1.post(`/api/notifications/${older.id}/read`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: older.id, readAt: expect.any(String) });
    expect((await sales1.post(`/api/notifications/${older.id}/read`)).body.readAt).toBe(read.body.readAt);

    const unread = await sales1.get('/api/notifications?unread=true');
    expect(unread.body).toMatchObject({ unread: 1, items: [{ id: newest.id }] });
    expect(unread.body.items).toHaveLength(1);
    expect((await sales2.get('/api/notifications')).body.unread).toBe(1);

    expect((await sales1.post('/api/notifications/read-all')).body).toEqual({ updated: 1, unread: 0 });
    expect((await sales1.get('/api/notifications?unread=true')).body).toEqual({ items: [], unread: 0 });
    expect((await sales1.get('/api/notifications')).body.items).toHaveLength(2);
    expect((await sales2.get('/api/notifications')).body.unread).toBe(1);
  });

  it('a notifyUsers retry after the user read the notification adds no new unread one', async () => {
    const sales1 = await stack.as('sales1');
    await activities.notifyUsers({ to: ['sales1'], kind: 'process.completed', title: 'Quote approved', body: 'Q-1 was approved.', idempotencyKey: 'wf-1:notify:2' });
    expect((await sales1.get('/api/notifications')).body).toMatchObject({ unread: 0 });
    expect((await sales1.get('/api/notifications?limit=1')).body.items).toHaveLength(1);
    expect((await sales1.get('/api/notifications?limit=0')).status).toBe(422);
  });
});
