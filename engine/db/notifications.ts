import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { NotificationEntity, type Notification, type NotificationLink } from './notifications-entities.js';
import { DomainError } from '../domain/errors.js';

export interface NotificationDto {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: NotificationLink | null;
  createdAt: string;
  readAt: string | null;
}

export function toNotificationDto(n: Notification): NotificationDto {
  return {
    id: n.id, kind: n.kind, title: n.title, body: n.body, link: n.link ?? null,
    createdAt: n.createdAt.toISOString(), readAt: n.readAt ? n.readAt.toISOString() : null,
  };
}

export interface NewNotification {
  recipient: string;
  kind: string;
  title: string;
  body: string;
  link: NotificationLink | null;
  idempotencyKey: string;
  emailTo: string | null;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The in-app feed: each user sees only their own notifications. */
export class NotificationRepository {
  constructor(private readonly em: EntityManager) {}

  async list(recipient: string, options: { unreadOnly?: boolean; limit?: number } = {}): Promise<{ items: NotificationDto[]; unread: number }> {
    const where = options.unreadOnly ? { recipient, readAt: null } : { recipient };
    const rows = await this.em.find(NotificationEntity, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: options.limit ?? 50 });
    const unread = await this.em.count(NotificationEntity, { recipient, readAt: null });
    return { items: rows.map(toNotificationDto), unread };
  }

  /** Marks one of the caller's notifications read; the first read time is kept. Someone else's is reported as missing. */
  async markRead(recipient: string, id: string): Promise<NotificationDto> {
    const notification = uuidPattern.test(id) ? await this.em.findOne(NotificationEntity, { id, recipient }) : null;
    if (!notification) throw new DomainError('NOT_FOUND', `notification ${id} does not exist`);
    if (!notification.readAt) {
      notification.readAt = new Date();
      await this.em.flush();
    }
    return toNotificationDto(notification);
  }

  async markAllRead(recipient: string): Promise<number> {
    return this.em.nativeUpdate(NotificationEntity, { recipient, readAt: null }, { readAt: new Date() });
  }

  /** Inserts unless the idempotency key exists; returns the stored row either way. Inside the manager's transaction, if any. */
  async insertOnce(input: NewNotification): Promise<{ notification: Notification; created: boolean }> {
    const result = await this.em.getConnection().execute<{ affectedRows: number }>(
      `insert into notifications (id, recipient, kind, title, body, link, idempotency_key, created_at, email_to)
       values (?, ?, ?, ?, ?, ?::jsonb, ?, now(), ?) on conflict (idempotency_key) do nothing`,
      [randomUUID(), input.recipient, input.kind, input.title, input.body, input.link ? JSON.stringify(input.link) : null,
        input.idempotencyKey, input.emailTo],
      'run', this.em.getTransactionContext(),
    );
    const notification = await this.em.findOneOrFail(NotificationEntity, { idempotencyKey: input.idempotencyKey });
    return { notification, created: result.affectedRows > 0 };
  }
}
