import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { contentHash } from '../../db/canonical-json.js';
import { IdempotencyStore, type StoredAnswer } from '../../db/idempotency.js';
import { uuidFromKey } from '../../db/uuid-from-key.js';
import { isPublic } from './auth.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** How long a running request holds its key without renewing; a retry takes over a claim this stale. */
export const LEASE_MS = 10_000;
/** How long a retry waits for the first request under its key to answer before it is told to come back. */
export const WAIT_MS = 20_000;
/** Keys are remembered for a day, like Stripe's. */
export const RETENTION_MS = 24 * 3600_000;
const POLL_MS = 50;
/** The answer headers a replay repeats. */
const keptHeaders = ['content-type', 'etag', 'location'];

interface Held {
  owner: string;
  key: string;
  claim: string | null;
  renewal: NodeJS.Timeout;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's `Idempotency-Key` on a POST that is running under it (absent without the header). */
    idempotency?: Held;
  }
  interface FastifyContextConfig {
    idempotent?: boolean;
  }
}

const keySchema = {
  type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$',
  description: 'Any unique string per intended write (a UUID). A retry with the same key and body gets the first answer ' +
    '(header `Idempotent-Replayed: true`); the same key with another request is 422 `IDEMPOTENCY_KEY_REUSED`; keys are kept 24 h.',
};

/** A stable id for the resource a POST under an `Idempotency-Key` creates, so a re-run after a crash finds it. */
export function idempotentId(request: FastifyRequest, kind: string): string | undefined {
  const held = request.idempotency;
  return held ? uuidFromKey(`${kind}:${held.owner}:${held.key}`) : undefined;
}

/** Every authenticated POST takes an Idempotency-Key (and may answer 409 while its first request runs). */
export function routeTakesKey(route: Pick<RouteOptions, 'method' | 'url' | 'schema'>): boolean {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  return methods.includes('POST') && !isPublic(route.url) && !(route.schema as { hide?: boolean } | undefined)?.hide;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `Idempotency-Key` on every authenticated POST (records, process starts, task completions, decisions, ...), stored in
 * PostgreSQL with a hash of the request and the first answer (2xx and 4xx; a 5xx releases the key so a retry runs
 * again). Concurrent duplicates are serialised: the first claims the key, the others wait for its answer. A claim is a
 * lease the running API renews; if that API dies, a retry takes the key over once the lease ran out and runs the
 * request again, which the write paths make safe (a record create uses an id derived from the key, a process start
 * returns the running run of its business key, a second decision is refused by the run).
 */
export default fp(async function idempotency(app: FastifyInstance) {
  const store = () => new IdempotencyStore(app.deps.orm.em.fork());

  app.addHook('onRoute', (route) => {
    if (!routeTakesKey(route)) return;
    route.config = { ...(route.config as object), idempotent: true } as typeof route.config;
    const schema = (route.schema ??= {}) as { headers?: { type?: string; properties?: Record<string, unknown> } };
    // a copy: a route's headers schema may be shared with routes that take no key
    const headers = schema.headers ?? { type: 'object', properties: {} };
    schema.headers = { ...headers, properties: { ...headers.properties, [IDEMPOTENCY_HEADER]: keySchema } };
  });

  const replay = (reply: FastifyReply, answer: StoredAnswer) =>
    reply.status(answer.status).headers({ ...answer.headers, 'idempotent-replayed': 'true' }).send(Buffer.from(answer.body));

  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers[IDEMPOTENCY_HEADER];
    if (!request.routeOptions.config.idempotent || typeof key !== 'string') return;
    const owner = request.user.username;
    const requestHash = contentHash({ method: request.method, url: request.url, body: request.body ?? null });
    const claimRequest = { owner, key, method: request.method, path: request.url, requestHash, leaseMs: LEASE_MS };
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const outcome = await store().claim(claimRequest);
      let claim = 'claim' in outcome ? outcome.claim : null;
      if (!claim && 'row' in outcome && outcome.row) {
        const row = outcome.row;
        if (row.requestHash !== requestHash) {
          throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for another request',
            [{ path: `/headers/${IDEMPOTENCY_HEADER}`, message: 'use a new key for a different request' }]);
        }
        if (row.answer) return replay(reply, row.answer);
        if (row.leaseExpired) claim = await store().takeOver({ owner, key, leaseMs: LEASE_MS });
      }
      if (claim) {
        const held: Held = { owner, key, claim, renewal: setInterval(() => {
          if (held.claim) store().renew({ owner, key, claim: held.claim, leaseMs: LEASE_MS }).catch((err) => request.log.warn({ err }, 'idempotency lease not renewed'));
        }, LEASE_MS / 3) };
        held.renewal.unref();
        request.idempotency = held;
        return;
      }
      if (Date.now() > deadline) {
        void reply.header('retry-after', '2');
        throw new DomainError('IDEMPOTENCY_KEY_IN_PROGRESS', 'a request with this Idempotency-Key is still running; retry shortly',
          [{ path: `/headers/${IDEMPOTENCY_HEADER}`, message: 'in progress' }]);
      }
      await sleep(POLL_MS);
    }
  });

  const letGo = async (request: FastifyRequest, answer?: StoredAnswer) => {
    const held = request.idempotency;
    if (!held?.claim) return;
    clearInterval(held.renewal);
    const ref = { owner: held.owner, key: held.key, claim: held.claim };
    held.claim = null;
    try {
      if (answer) await store().complete(ref, answer);
      else await store().release(ref);
    } catch (err) {
      // the lease runs out by itself and a retry runs the request again (safely, see above)
      request.log.warn({ err }, 'idempotency key not settled');
    }
  };

  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.idempotency?.claim) return payload;
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
    if (reply.statusCode >= 500 || body === null) {
      await letGo(request);
      return payload;
    }
    const headers: Record<string, string> = {};
    for (const name of keptHeaders) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    await letGo(request, { status: reply.statusCode, headers, body });
    return payload;
  });
  // an answer that never reached onSend (the client went away, a hook failed): the key is free again
  app.addHook('onResponse', async (request) => letGo(request));

  const purge = setInterval(() => {
    store().purge(RETENTION_MS).catch((err) => app.log.warn({ err }, 'old idempotency keys not purged'));
  }, 3600_000);
  purge.unref();
  app.addHook('onClose', async () => clearInterval(purge));
}, { name: 'idempotency', dependencies: ['errors', 'auth'] });
