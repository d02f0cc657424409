import type { MikroORM } from '@mikro-orm/postgresql';
import { insertOpenTask } from '../../engine/db/tasks.js';
import { publishWithoutHidden } from './webhooks.js';
import type { createFeedActivities } from './feed.js';
import type { OpenAnnouncedTaskInput } from '../notification-types.js';

/**
 * Opens a task and announces it in one transaction: its inbox row, the feed notices of its holders and its webhook
 * event's deliveries commit together (one local activity, one round of commits, instead of one per effect). Every
 * write is keyed as the separate activities key it, so a retry adds nothing; e-mails go out after the commit.
 */
export function createTaskOpening(orm: MikroORM, feed: ReturnType<typeof createFeedActivities>) {
  return {
    async openAnnouncedTask({ task, notify, publish }: OpenAnnouncedTaskInput): Promise<{ deliveryIds: string[] }> {
      const { deliveryIds, notices } = await orm.em.fork().transactional(async (tx) => {
        await insertOpenTask(tx, task);
        const notices = notify ? await feed.recordNotices(tx, notify) : undefined;
        const deliveryIds = publish ? await publishWithoutHidden(tx, publish) : [];
        return { deliveryIds, notices };
      });
      if (notices) await feed.mailNotices(notices);
      return { deliveryIds };
    },
  };
}
