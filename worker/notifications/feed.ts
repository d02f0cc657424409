import nodemailer, { type Transporter } from 'nodemailer';
import { LockMode, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import { UserEntity } from '../../engine/db/entities.js';
import { NotificationEntity, type Notification } from '../../engine/db/notifications-entities.js';
import { NotificationRepository } from '../../engine/db/notifications.js';
import type { NotificationLink, NotifyUsersInput, NotifyUsersResult } from '../notification-types.js';
import { currentConfig } from '../../engine/db/record-write.js';
import { READ_STALENESS_MS } from '../../engine/db/config-store.js';
import { hiddenForRoles, recordSecrets } from '../../engine/db/record-secrets.js';
import { scrubDeep, scrubText } from '../../engine/domain/access/redaction.js';
import type { Bundle } from '../../engine/domain/config/types.js';

export interface SmtpSettings {
  /** e.g. smtp://user:pass@mail.example.com:587 or smtps://...:465 */
  url: string;
  from: string;
}

export interface FeedActivityDeps {
  orm: MikroORM;
  smtp?: SmtpSettings;
  timeoutMs: number;
}

const plainAddress = /^[^\s<>()",;:\\@]+@[^\s<>()",;:\\@]+\.[^\s<>()",;:\\@]+$/;

function emailOf(attributes: Record<string, unknown>): string | null {
  const email = attributes.email;
  return typeof email === 'string' && email.length <= 254 && plainAddress.test(email) ? email : null;
}

function domainOf(from: string): string {
  const match = /@([A-Za-z0-9.-]+)/.exec(from);
  return match ? match[1] : 'flowcrm.invalid';
}

/** SMTP 5xx: the server will never take this message; retrying would only repeat the refusal. */
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** The texts as the recipient may read them: every value of a field their roles hide on the linked record is removed. */
async function redactedFor(em: EntityManager, roles: readonly string[], input: NotifyUsersInput): Promise<Pick<NotifyUsersInput, 'title' | 'body'> & { link: NotificationLink | null }> {
  const link = input.link ?? null;
  if (!link?.entity) return { title: input.title, body: input.body, link };
  const bundle = (await currentConfig(em, READ_STALENESS_MS)).bundle as unknown as Pick<Bundle, 'roles'>;
  const secrets = await recordSecrets(em, link.entity, link.recordId, hiddenForRoles(bundle, roles, link.entity));
  return { title: scrubText(input.title, secrets), body: scrubText(input.body, secrets), link: scrubDeep(link, secrets) };
}

export function createFeedActivities(deps: FeedActivityDeps) {
  const transporter: Transporter | null = deps.smtp
    ? nodemailer.createTransport({ url: deps.smtp.url, connectionTimeout: deps.timeoutMs, greetingTimeout: deps.timeoutMs, socketTimeout: deps.timeoutMs })
    : null;

  /**
   * Sends a notification's e-mail at most once: the row is locked while sending and marked sent in the same
   * transaction, so a retry (or a concurrent attempt) finds the marker and does not resend. The Message-ID is derived
   * from the notification id, so a crash between the send and the commit yields a duplicate mail clients can spot.
   */
  async function emailOnce(id: string, smtp: SmtpSettings, mailer: Transporter): Promise<'sent' | 'skipped' | 'refused'> {
    return deps.orm.em.fork().transactional(async (tx) => {
      const row = await tx.findOneOrFail(NotificationEntity, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!row.emailTo || row.emailSentAt || row.emailError) return 'skipped';
      const link = row.link?.href ? `\n\n${row.link.href}` : '';
      try {
        await mailer.sendMail({
          from: smtp.from, to: row.emailTo, subject: row.title, text: `${row.body}${link}`,
          messageId: `<notification-${row.id}@${domainOf(smtp.from)}>`,
          headers: { 'X-Flowcrm-Notification': row.id, 'Auto-Submitted': 'auto-generated' },
        });
      } catch (error) {
        if (!isPermanent(error)) throw error;
        row.emailError = (error as Error).message.slice(0, 1000);
        await tx.flush();
        return 'refused';
      }
      row.emailSentAt = new Date();
      await tx.flush();
      return 'sent';
    });
  }

  /** The feed rows of one notice, written with `em` (inside its transaction, if any); and those still to e-mail. */
  async function recordNotices(em: EntityManager, input: NotifyUsersInput): Promise<{ result: NotifyUsersResult; toMail: Notification[] }> {
    const recipients = [...new Set(input.to)];
    const result: NotifyUsersResult = { notificationIds: [], emailed: [], unknown: [] };
    const toMail: Notification[] = [];
    if (recipients.length === 0) return { result, toMail };
    const users = new Map((await em.find(UserEntity, { username: { $in: recipients } })).map((u) => [u.username, u]));
    const repo = new NotificationRepository(em);
    for (const username of recipients) {
      const user = users.get(username);
      if (!user) {
        result.unknown.push(username);
        continue;
      }
      const { title, body, link } = await redactedFor(em, user.roles, input);
      const { notification } = await repo.insertOnce({
        recipient: username, kind: input.kind, title, body, link,
        idempotencyKey: `${input.idempotencyKey}:${username}`,
        emailTo: deps.smtp && user.active ? emailOf(user.attributes) : null,
      });
      result.notificationIds.push(notification.id);
      if (notification.emailTo && !notification.emailSentAt && !notification.emailError) toMail.push(notification);
    }
    return { result, toMail };
  }

  /** After the feed rows are committed: each e-mail at most once; throwing makes Temporal retry only those not sent. */
  async function mailNotices({ result, toMail }: { result: NotifyUsersResult; toMail: Notification[] }): Promise<NotifyUsersResult> {
    if (!deps.smtp || !transporter) return result;
    const failures: string[] = [];
    for (const notification of toMail) {
      try {
        if ((await emailOnce(notification.id, deps.smtp, transporter)) === 'sent') result.emailed.push(notification.recipient);
      } catch (error) {
        failures.push(`${notification.recipient}: ${(error as Error).message}`);
      }
    }
    if (failures.length) throw new Error(`e-mail failed for ${failures.join('; ')}`);
    return result;
  }

  return {
    recordNotices,
    mailNotices,
    async notifyUsers(input: NotifyUsersInput): Promise<NotifyUsersResult> {
      return mailNotices(await recordNotices(deps.orm.em.fork(), input));
    },
  };
}
