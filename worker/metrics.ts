import { createServer, type Server } from 'node:http';
import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import { activityDuration, activityFailures, collectProcessMetrics, metricsText, slaBreaches } from '../engine/metrics.js';

/** Notices a run sends when a task ran past its due time: each is one SLA breach. */
const breachKinds = new Set(['task.overdue', 'task.escalated']);

function retryable(error: unknown): boolean {
  return !(error instanceof ApplicationFailure && error.nonRetryable);
}

/** Times every activity attempt, counts the failed ones, and counts the SLA breaches the notices tell of. */
export const activityMetrics: ActivityInterceptorsFactory = (ctx: Context) => {
  const activity = ctx.info.activityType;
  const inbound: ActivityInboundCallsInterceptor = {
    async execute(input, next) {
      const end = activityDuration.startTimer({ activity });
      try {
        const result = await next(input);
        end({ result: 'ok' });
        const kind = activity === 'notifyUsers' ? (input.args[0] as { kind?: string } | undefined)?.kind : undefined;
        if (kind && breachKinds.has(kind)) slaBreaches.inc({ kind });
        return result;
      } catch (error) {
        end({ result: 'failed' });
        activityFailures.inc({ activity, retryable: String(retryable(error)) });
        throw error;
      }
    },
  };
  return { inbound };
};

/** The worker's `/metrics` on its own port (`FLOWCRM_WORKER_METRICS_PORT`), for a Prometheus scraper. */
export function startMetricsServer(port: number, host = '0.0.0.0'): Promise<Server> {
  collectProcessMetrics();
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    metricsText().then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
