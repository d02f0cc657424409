import { Worker } from 'node:worker_threads';
import { summary } from './stats.js';

export interface LoadOptions {
  url: string;
  method?: 'POST' | 'PUT' | 'PATCH';
  headers?: Record<string, string>;
  /** Request bodies, sent in turn. */
  bodies: string[];
  connections: number;
  durationMs: number;
}

export interface LoadResult {
  requests: number;
  perSecond: number;
  statuses: Record<string, number>;
  latency: ReturnType<typeof summary>;
}

/** Runs a closed-loop load (no pipelining) from a worker thread and summarises it. */
export function httpLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./http-load-worker.mjs', import.meta.url), { workerData: { method: 'POST', headers: {}, ...options } });
    worker.once('message', (m: { latencies: number[]; statuses: Record<string, number>; elapsedMs: number }) => {
      resolve({ requests: m.latencies.length, perSecond: Math.round(m.latencies.length / (m.elapsedMs / 1000)), statuses: m.statuses, latency: summary(m.latencies) });
    });
    worker.once('error', reject);
  });
}
