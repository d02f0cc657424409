import type { MikroORM } from '@mikro-orm/postgresql';
import { parseAllowlist } from '../../engine/domain/net/index.js';
import { createFeedActivities, type SmtpSettings } from './feed.js';
import { createWebhookActivities } from './webhooks.js';
import { createTaskOpening } from './task-opening.js';
import type { LookupAll } from '../../engine/net/webhook-target.js';
import type { NotificationActivities } from '../notification-types.js';

export { verifySignature, signatureHeader, SIGNATURE_HEADER } from './signature.js';
export { resolveWebhookTarget, WebhookTargetError, type LookupAll, type ResolvedTarget } from '../../engine/net/webhook-target.js';
export type { SmtpSettings } from './feed.js';

export interface NotificationDeps {
  orm: MikroORM;
  smtp?: SmtpSettings;
  /** Hosts, `*.suffix` names, addresses or CIDRs exempt from the SSRF rules. */
  allowlist?: string[];
  /** Per webhook request and per SMTP stage; default 10 s. */
  timeoutMs?: number;
  /** DNS resolution for webhook hosts; tests inject one, production uses node:dns. */
  lookup?: LookupAll;
}

export function createNotificationActivities(deps: NotificationDeps): NotificationActivities {
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const feed = createFeedActivities({ orm: deps.orm, smtp: deps.smtp, timeoutMs });
  return {
    notifyUsers: feed.notifyUsers,
    ...createTaskOpening(deps.orm, feed),
    ...createWebhookActivities({ orm: deps.orm, allowlist: parseAllowlist(deps.allowlist), timeoutMs, lookup: deps.lookup }),
  };
}

/** FLOWCRM_SMTP_URL, FLOWCRM_SMTP_FROM, FLOWCRM_WEBHOOK_ALLOWLIST, FLOWCRM_WEBHOOK_TIMEOUT_MS. */
export function notificationSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): Omit<NotificationDeps, 'orm'> {
  const allowlist = (env.FLOWCRM_WEBHOOK_ALLOWLIST ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  parseAllowlist(allowlist);
  const timeout = Number(env.FLOWCRM_WEBHOOK_TIMEOUT_MS);
  return {
    allowlist,
    ...(env.FLOWCRM_SMTP_URL ? { smtp: { url: env.FLOWCRM_SMTP_URL, from: env.FLOWCRM_SMTP_FROM ?? 'flowcrm <no-reply@localhost>' } } : {}),
    ...(Number.isInteger(timeout) && timeout > 0 ? { timeoutMs: timeout } : {}),
  };
}
