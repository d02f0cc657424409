/**
 * A worker process that kills itself -9 right after the local activity that writes a task's row (and its notice)
 * committed for the step named by `FLOWCRM_TEST_DIE_AFTER_TASK_STEP`: the row is open in the database, while the
 * workflow task that ran the activity never completes, so the run's history does not know the task yet.
 */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { main } from '../../worker/main.js';

const step = process.env.FLOWCRM_TEST_DIE_AFTER_TASK_STEP;
if (!step) throw new Error('FLOWCRM_TEST_DIE_AFTER_TASK_STEP is required');

const dieAfterTaskRow: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    async execute(input, next) {
      const result = await next(input);
      const task = (input.args[0] as { task?: { stepId?: string } } | undefined)?.task;
      if (ctx.info.activityType === 'openAnnouncedTask' && task?.stepId === step) process.kill(process.pid, 'SIGKILL');
      return result;
    },
  },
});

await main({ activityInterceptors: [dieAfterTaskRow] });
