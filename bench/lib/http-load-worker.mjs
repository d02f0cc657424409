// Closed-loop HTTP load in a worker thread (its own event loop, so the servers under test keep the main thread):
// `connections` keep-alive sockets, one request in flight on each (no pipelining), for `durationMs`.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { url, method, headers, bodies, connections, durationMs } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const target = new URL(url);

function request(body) {
  return new Promise((resolve) => {
    const payload = Buffer.from(body);
    const req = http.request({
      agent, host: target.hostname, port: target.port, path: target.pathname + target.search, method,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': payload.length },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.end(payload);
  });
}

const latencies = [];
const statuses = {};
let sent = 0;
const start = performance.now();
const end = start + durationMs;
await Promise.all(Array.from({ length: connections }, async () => {
  while (performance.now() < end) {
    const body = bodies[sent++ % bodies.length];
    const t = performance.now();
    const status = await request(body);
    latencies.push(performance.now() - t);
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
}));
const elapsed = performance.now() - start;
agent.destroy();
parentPort.postMessage({ latencies, statuses, elapsedMs: elapsed });
