import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import type { Context } from '@temporalio/activity';
import { activityMetrics } from '../../worker/metrics.js';
import { registry } from '../../engine/metrics.js';

async function value(name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const found = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l));
  return found?.value ?? 0;
}

function run(activityType: string, args: unknown[], outcome: () => Promise<unknown>) {
  const { inbound } = activityMetrics({ info: { activityType, attempt: 1 } } as unknown as Context);
  return inbound!.execute!({ args, headers: {} }, async () => outcome());
}

describe('worker activity metrics', () => {
  it('counts failed attempts by retryability, and SLA breaches from overdue and escalation notices', async () => {
    const before = await value('flowcrm_activity_failures_total', { activity: 'updateRecord', retryable: 'false' });
    await expect(run('updateRecord', [], () => Promise.reject(ApplicationFailure.nonRetryable('bad config', 'CONFIG_INVALID')))).rejects.toThrow('bad config');
    await expect(run('updateRecord', [], () => Promise.reject(new Error('db blip')))).rejects.toThrow('db blip');
    expect(await value('flowcrm_activity_failures_total', { activity: 'updateRecord', retryable: 'false' })).toBe(before + 1);
    expect(await value('flowcrm_activity_failures_total', { activity: 'updateRecord', retryable: 'true' })).toBeGreaterThanOrEqual(1);

    const overdue = await value('flowcrm_sla_breaches_total', { kind: 'task.overdue' });
    await run('notifyUsers', [{ kind: 'task.overdue', to: ['a'] }], async () => ({}));
    await run('notifyUsers', [{ kind: 'task.assigned', to: ['a'] }], async () => ({}));
    await expect(run('notifyUsers', [{ kind: 'task.escalated', to: ['a'] }], () => Promise.reject(new Error('smtp')))).rejects.toThrow();
    expect(await value('flowcrm_sla_breaches_total', { kind: 'task.overdue' })).toBe(overdue + 1);
    expect(await value('flowcrm_sla_breaches_total', { kind: 'task.assigned' })).toBe(0);
  });
});
