import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { eventually } from '../support/http.js';
import { createRecord, openTaskOf } from '../support/processes.js';
import { scheduleIdOf, syncSchedules } from '../../engine/api/services/schedules.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  await syncSchedules(stack.app.deps); // what the server does at start and every publish does
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const day = 86_400_000;
/** Today's date in Beijing time, shifted by whole days. */
const beijingDate = (days: number) => new Date(Date.now() + 8 * 3_600_000 + days * day).toISOString().slice(0, 10);

describe('collections extras on their monthly schedules (R-11..R-13)', () => {
  it('ages every open receivable into the configured buckets, boundaries included', async () => {
    const sales1 = await stack.as('sales1');
    const customer = await createRecord(sales1, 'customer', { name: 'Aging dealer' });
    const cases: [number, number, string][] = [
      [-10, -10, 'not_due'], [0, 0, 'd0_30'], [30, 30, 'd0_30'], [31, 31, 'd31_60'], [60, 60, 'd31_60'], [61, 61, 'd61_90'],
      [91, 91, 'd91_180'], [180, 180, 'd91_180'], [181, 181, 'over_180'],
    ];
    const ids: string[] = [];
    for (const [daysOverdue] of cases) {
      const dueDate = beijingDate(-daysOverdue);
      ids.push(await createRecord(sales1, 'receivable', { customer, amount: 1_000, shippedAt: beijingDate(-daysOverdue - 30), dueDate, salesUnit: 'aging-unit' }));
    }
    await stack.flow.client.schedule.getHandle(scheduleIdOf(stack.app.deps, 'receivable-aging')).trigger();
    for (const [i, [, days, bucket]] of cases.entries()) {
      const data = await eventually(async () => {
        const { body } = await sales1.get(`/api/records/receivable/${ids[i]}`);
        return body.data.agingBucket ? body.data : null;
      }, 30_000);
      // before the due date the count is truncated towards zero (-9.5 days reads -9): only its sign is fixed
      const counted = days < 0 ? Math.sign(data.agingDays) * 10 : data.agingDays;
      expect([counted, data.agingBucket], `${days} days`).toEqual([days, bucket]);
    }
  }, 120_000);

  it('opens one double-ten review task per sales unit for its collection lead and records the findings', async () => {
    const admin = await stack.as('admin');
    const east = await createRecord(admin, 'sales-unit', { name: 'east-1', collectionLead: 'collector1', manager: 'branchmgr' });
    const west = await createRecord(admin, 'sales-unit', { name: 'west-2', collectionLead: 'collectmgr' });
    await stack.flow.client.schedule.getHandle(scheduleIdOf(stack.app.deps, 'double-ten-review')).trigger();
    const collector = await stack.as('collector1');
    const task = await openTaskOf(collector, east, 'review', 30_000);
    expect(task.candidates).toEqual(['collector1']);
    await openTaskOf(await stack.as('collectmgr'), west, 'review', 30_000);
    const done = await collector.post(`/api/tasks/${task.id}/complete`, { data: { findings: 'Two dealers above 500,000', plan: 'Visit both in week 2' } });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const unit = await eventually(async () => {
      const { body } = await admin.get(`/api/records/sales-unit/${east}`);
      return body.data.lastReviewAt ? body.data : null;
    }, 15_000);
    expect(unit.lastReviewNote).toBe('Two dealers above 500,000\nVisit both in week 2');
  }, 120_000);
});
