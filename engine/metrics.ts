import client from 'prom-client';

/**
 * The Prometheus metrics of an API or worker process, in prom-client's default registry (one per process; API and
 * worker in one process, as in the tests, share it). Names follow Prometheus conventions: `_total` counters,
 * `_seconds` histograms.
 */
export const registry = client.register;

const seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Task latency: created -> decided, from minutes to weeks. */
const taskSeconds = [1, 10, 60, 300, 900, 3600, 4 * 3600, 86400, 3 * 86400, 7 * 86400, 30 * 86400];

export const httpRequests = new client.Counter({
  name: 'flowcrm_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
});
export const httpDuration = new client.Histogram({
  name: 'flowcrm_http_request_duration_seconds', help: 'Time to answer an HTTP request, by method and route pattern',
  labelNames: ['method', 'route'] as const, buckets: seconds,
});
export const workflowStarts = new client.Counter({
  name: 'flowcrm_workflow_starts_total', help: 'Process runs started on Temporal (a retried start of a running run included), by result',
  labelNames: ['result'] as const,
});
export const taskLatency = new client.Histogram({
  name: 'flowcrm_task_latency_seconds', help: 'Time from a task being opened to its completion, by task kind and outcome',
  labelNames: ['kind', 'outcome'] as const, buckets: taskSeconds,
});
export const slaBreaches = new client.Counter({
  name: 'flowcrm_sla_breaches_total', help: 'Tasks that ran past their due time (overdue notices and escalations), by kind',
  labelNames: ['kind'] as const,
});
export const activityDuration = new client.Histogram({
  name: 'flowcrm_activity_duration_seconds', help: 'Activity attempts run by this worker, by activity type and result',
  labelNames: ['activity', 'result'] as const, buckets: seconds,
});
export const activityFailures = new client.Counter({
  name: 'flowcrm_activity_failures_total', help: 'Activity attempts that failed, by activity type and whether Temporal retries them',
  labelNames: ['activity', 'retryable'] as const,
});

let defaultsCollected = false;
/** Process metrics (CPU, memory, event-loop lag, GC), once per process. */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  client.collectDefaultMetrics({ register: registry });
}

export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
