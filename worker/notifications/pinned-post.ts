import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedTarget } from '../../engine/net/webhook-target.js';

export interface PinnedResponse {
  status: number;
  location: string | null;
  retryAfter: string | null;
  /** The first bytes of the response body, for the delivery's last_error. */
  snippet: string;
}

const snippetBytes = 512;

/** A lookup that answers with the already-checked address only, whatever the name. */
function pinnedLookup(target: ResolvedTarget): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
}

/**
 * POSTs `body` to the target's URL, connecting only to `target.address`, with a hard deadline. Redirects are never
 * followed (node:http does not follow them); the caller decides what a 3xx means.
 */
export function postPinned(target: ResolvedTarget, headers: Record<string, string>, body: string, timeoutMs: number): Promise<PinnedResponse> {
  const { url } = target;
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<PinnedResponse>((resolve, reject) => {
    const request = client.request({
      method: 'POST',
      hostname: target.host,
      port: url.port || (url.protocol === 'https:' ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      headers: { ...headers, host: url.host, 'content-length': String(Buffer.byteLength(body)) },
      lookup: pinnedLookup(target),
      agent: false,
      timeout: timeoutMs,
    });
    const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    request.on('timeout', () => request.destroy(new Error(`socket idle for ${timeoutMs} ms`)));
    request.on('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => {
        clearTimeout(deadline);
        response.destroy();
        const header = (name: string) => {
          const value = response.headers[name];
          return Array.isArray(value) ? value[0] : (value ?? null);
        };
        resolve({
          status: response.statusCode ?? 0, location: header('location'), retryAfter: header('retry-after'),
          snippet: Buffer.concat(chunks).subarray(0, snippetBytes).toString('utf8'),
        });
      };
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= snippetBytes) finish();
      });
      response.on('end', finish);
      response.on('error', finish);
    });
    request.end(body);
  });
}
