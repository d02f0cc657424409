import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface CanaryRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface CanaryReply {
  status: number;
  headers?: Record<string, string>;
  /** Never answer (to exercise the delivery timeout). */
  hang?: boolean;
}

/** A local HTTP listener that counts every TCP connection, so a test can assert that nothing reached it at all. */
export interface Canary {
  url: string;
  port: number;
  connections: number;
  requests: CanaryRequest[];
  close(): Promise<void>;
}

export async function startCanary(host: '127.0.0.1' | '::1', reply: (n: number) => CanaryReply = () => ({ status: 200 })): Promise<Canary> {
  const sockets = new Set<Socket>();
  const canary: Canary = {
    url: '', port: 0, connections: 0, requests: [],
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      canary.requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = reply(canary.requests.length);
      if (answer.hang) return;
      response.writeHead(answer.status, answer.headers ?? {});
      response.end(answer.status >= 400 ? `status ${answer.status}` : 'ok');
    });
  });
  server.on('connection', (socket) => {
    canary.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  canary.port = (server.address() as AddressInfo).port;
  canary.url = `http://${host.includes(':') ? `[${host}]` : host}:${canary.port}`;
  return canary;
}
