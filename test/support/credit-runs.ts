import { expect } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Stack } from './stack-core.js';
import { eventually, type HttpClient } from './http.js';
import { createRecord, processUrl } from './processes.js';
import { applicationData } from './credit.js';
import { atMinute } from './run-timeline.js';

/** Floors an instant to its minute (ISO): simulated times are compared by the minute. */
export const minuteOf = atMinute;
export const minuteAt = (entry: { at: string }) => minuteOf(Date.parse(entry.at));

/** What the credit-evaluation tests do on a time-skipping stack; `current` gives the stack once beforeAll made it. */
export function creditRuns(current: () => { env: TestWorkflowEnvironment; stack: Stack }) {
  const as = (user: string) => current().stack.as(user);
  return {
    as,
    recordOf: async (entity: string, id: string) => (await (await as('admin')).get(`/api/records/${entity}/${id}`)).body.data,
    async sleepUntil(ms: number) {
      const { env } = current();
      const left = ms - (await env.currentTimeMs());
      if (left > 0) await env.sleep(left);
    },
    async complete(client: HttpClient, task: { id: string }, body: Record<string, unknown> = {}) {
      const res = await client.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    },
    /** A customer and a credit application of sales1's; its credit-evaluation run has started. */
    async newApplication(data: Record<string, unknown>) {
      const sales1 = await as('sales1');
      const customer = await createRecord(sales1, 'customer', { name: `Shandong dealer ${Math.random().toString(36).slice(2, 7)}` });
      const recordId = await createRecord(sales1, 'credit-application', applicationData(customer, data));
      const processId = `credit-evaluation:credit-application:${recordId}`;
      await eventually(async () => (await (await as('admin')).get(processUrl(processId))).status === 200, 10_000);
      return { customer, recordId, processId };
    },
  };
}
