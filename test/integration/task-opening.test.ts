import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startStack, type Stack } from '../support/stack.js';
import { createNotificationActivities } from '../../worker/notifications/index.js';
import { WebhookRepository } from '../../engine/db/notifications-webhooks.js';
import type { OpenAnnouncedTaskInput } from '../../worker/notification-types.js';

let stack: Stack;
let activities: ReturnType<typeof createNotificationActivities>;
beforeAll(async () => {
  stack = await startStack({ worker: false });
  activities = createNotificationActivities({ orm: stack.orm });
});
afterAll(async () => {
  await stack?.stop();
});

function opening(taskId: string): OpenAnnouncedTaskInput {
  const recordId = randomUUID();
  return {
    task: {
      id: taskId, kind: 'approval', title: 'Approve quote: Branch', workflowId: `wf-${taskId}`, processId: `p-${taskId}`, process: 'quote-approval',
      entity: 'quote', recordId, stepId: 'branch', requester: 'sales1', assignee: 'branchmgr', candidates: ['branchmgr'], routing: [], dueAt: null,
      createdAt: new Date().toISOString(),
    },
    notify: { to: ['branchmgr'], kind: 'task.assigned', title: 'Approve quote: Branch', body: 'sales1 asks for your approval.', link: { entity: 'quote', recordId, taskId }, idempotencyKey: `${taskId}:assigned` },
    publish: {
      event: 'task.created', idempotencyKey: `${taskId}:created`,
      payload: { taskId, kind: 'approval', title: 'Approve quote: Branch', processId: `p-${taskId}`, process: 'quote-approval', entity: 'quote', recordId, step: 'branch', assignee: 'branchmgr', candidates: ['branchmgr'], outcome: null, decidedBy: null, at: new Date().toISOString() },
    },
  };
}

async function writtenFor(taskId: string) {
  const db = stack.orm.em.fork().getConnection();
  return {
    tasks: await db.execute(`select status, assignee from tasks where id = ?`, [taskId]),
    notices: await db.execute(`select recipient, idempotency_key from notifications where idempotency_key like ?`, [`${taskId}:%`]),
    deliveries: await db.execute(`select id, event from webhook_deliveries where idempotency_key = ?`, [`${taskId}:created`]),
  };
}

describe('a task opened with its announcement in one local activity', () => {
  it('writes the row, the notice and the event delivery once; a retry adds nothing and returns the same deliveries', async () => {
    await new WebhookRepository(stack.orm.em.fork()).create({ url: 'https://hooks.example.com/flowcrm', events: ['task.created'], actor: 'admin' });
    const input = opening('t-open-1');
    const first = await activities.openAnnouncedTask(input);
    expect(first.deliveryIds).toHaveLength(1);
    expect(await activities.openAnnouncedTask(input)).toEqual(first);
    expect(await writtenFor('t-open-1')).toEqual({
      tasks: [{ status: 'open', assignee: 'branchmgr' }],
      notices: [{ recipient: 'branchmgr', idempotency_key: 't-open-1:assigned:branchmgr' }],
      deliveries: [{ id: first.deliveryIds[0], event: 'task.created' }],
    });
  });

  it('writes nothing when one of its writes fails: the row, the notice and the event commit together', async () => {
    const input = opening('t-open-2');
    const broken = { ...input, notify: { ...input.notify!, title: null as unknown as string } }; // notifications.title is not null
    await expect(activities.openAnnouncedTask(broken)).rejects.toThrow();
    expect(await writtenFor('t-open-2')).toEqual({ tasks: [], notices: [], deliveries: [] });
    await activities.openAnnouncedTask(input);
    expect((await writtenFor('t-open-2')).tasks).toEqual([{ status: 'open', assignee: 'branchmgr' }]);
  });

  it('opens a task that announces nothing and has no event', async () => {
    const { task } = opening('t-open-3');
    expect(await activities.openAnnouncedTask({ task })).toEqual({ deliveryIds: [] });
    expect(await writtenFor('t-open-3')).toEqual({ tasks: [{ status: 'open', assignee: 'branchmgr' }], notices: [], deliveries: [] });
  });
});
