import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { RuleWarning } from '../domain/records/rules.js';
import { scrubText, secretsOf } from '../domain/access/redaction.js';
import type { Bundle } from '../domain/config/types.js';
import { NotificationEntity } from './notifications-entities.js';
import type { EntityContext } from './record-write.js';
import { hiddenForUser } from './record-secrets.js';

/** The user a record's warnings go to: its `owner` user field when set, else whoever wrote it. */
function ownerOf(ctx: EntityContext, data: Record<string, unknown>, actor: string): string {
  const owner = ctx.features.users.includes('owner') ? data.owner : undefined;
  return typeof owner === 'string' && owner ? owner : actor;
}

/**
 * One in-app notification per fired warning rule to the record's owner, in the write's transaction (a refused or
 * rolled-back write notifies nobody). Keyed by record, version and rule, so a write notifies once per rule. The
 * record's title is named only when the recipient may see the title field; hidden values are removed from the texts.
 */
export async function notifyRuleWarnings(em: EntityManager, ctx: EntityContext, record: { id: string; version: number; data: Record<string, unknown>; actor: string },
  warnings: readonly RuleWarning[]): Promise<void> {
  const fired = warnings.filter((w) => w.code === 'RULE_WARNING');
  if (!fired.length) return;
  const recipient = ownerOf(ctx, record.data, record.actor);
  const hidden = await hiddenForUser(em, ctx.config.bundle as unknown as Pick<Bundle, 'roles'>, recipient, ctx.entity);
  const secrets = secretsOf(hidden, [record.data]);
  const titleField = ctx.features.titleField && !hidden.includes(ctx.features.titleField) ? ctx.features.titleField : undefined;
  const title = titleField ? record.data[titleField] : undefined;
  const label = typeof title === 'string' && title ? `${ctx.entity} ${title}` : ctx.entity;
  for (const warning of fired) {
    em.create(NotificationEntity, {
      id: randomUUID(), recipient, kind: 'rule-warning', title: scrubText(`${label}: ${warning.message}`, secrets),
      body: scrubText([warning.messages.en, warning.messages.zh].filter(Boolean).join('\n'), secrets),
      link: { entity: ctx.entity, recordId: record.id }, idempotencyKey: `rule:${record.id}:${record.version}:${warning.rule}`,
      createdAt: new Date(), readAt: null, emailTo: null, emailSentAt: null, emailError: null,
    });
  }
}
