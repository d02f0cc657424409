import { activityDuration, httpDuration } from '../../engine/metrics.js';

type Totals = Map<string, { count: number; sum: number }>;

/** Count and total seconds of every activity type and HTTP route so far (the worker and API run in this process). */
async function totals(): Promise<Totals> {
  const out: Totals = new Map();
  for (const [metric, label] of [[activityDuration, 'activity'], [httpDuration, 'route']] as const) {
    for (const v of (await metric.get()).values) {
      const labels = v.labels as Record<string, string | number | undefined>;
      const key = label === 'activity' ? `activity ${labels.activity}` : `${labels.method} ${labels.route}`;
      const entry = out.get(key) ?? { count: 0, sum: 0 };
      if (v.metricName?.endsWith('_count')) entry.count += v.value;
      else if (v.metricName?.endsWith('_sum')) entry.sum += v.value;
      else continue;
      out.set(key, entry);
    }
  }
  return out;
}

/**
 * Where the time of the measured segments goes: each activity and HTTP route run during them, per unit of work (a
 * decision, a start), with its mean duration. What the table does not cover is Temporal's part (server, workflow
 * tasks, the SDK's activation round trips) and the bench's own polling.
 */
export class TimeProfile {
  private readonly spent: Totals = new Map();

  /** Runs `work` and adds what ran meanwhile to the profile. */
  async segment<T>(work: () => Promise<T>): Promise<T> {
    const before = await totals();
    const result = await work();
    for (const [key, { count, sum }] of await totals()) {
      const prior = before.get(key) ?? { count: 0, sum: 0 };
      const entry = this.spent.get(key) ?? { count: 0, sum: 0 };
      entry.count += count - prior.count;
      entry.sum += sum - prior.sum;
      if (entry.count > 0) this.spent.set(key, entry);
    }
    return result;
  }

  table(units: number): string {
    const rows = [...this.spent].sort(([a], [b]) => a.localeCompare(b)).map(([key, { count, sum }]) =>
      `| ${key} | ${(count / units).toFixed(2)} | ${((sum * 1000) / count).toFixed(2)} | ${((sum * 1000) / units).toFixed(2)} |`);
    return `| part | calls per unit | mean ms per call | ms per unit |\n|---|---|---|---|\n${rows.join('\n')}`;
  }
}
