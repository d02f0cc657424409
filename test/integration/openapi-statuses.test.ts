import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../engine/api/app.js';
import type { AppDeps } from '../../engine/api/context.js';
import { routeRules } from '../../engine/api/policy/hook.js';
import { requiredScope } from '../../engine/api/policy/token-scopes.js';

interface Operation { parameters?: { in: string; name: string }[]; requestBody?: unknown; responses: Record<string, { content?: Record<string, { schema?: any }> }>; security?: unknown[] }

let app: FastifyInstance;
let operations: [string, Operation][];
let doc: { paths: Record<string, Record<string, Operation>> };
beforeAll(async () => {
  // the document is built from the route schemas alone: no database or Temporal is touched
  app = await buildApp({ orm: {} as AppDeps['orm'], flow: {} as AppDeps['flow'], jwtSecret: 'openapi-test' });
  doc = (await app.inject('/openapi.json')).json() as typeof doc;
  rateLimited = new Set([...app.rateLimitedRoutes].map((route) => route.replace(/:([A-Za-z_]+)/g, '{$1}')));
  operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map(([m, op]) => [`${m.toUpperCase()} ${path}`, op] as [string, Operation]));
});
afterAll(async () => {
  await app?.close();
});

const publicOperations = new Set(['GET /health', 'GET /ready', 'POST /api/auth/login']);

/** `GET /api/records/{entity}` -> `GET /api/records/:entity`, as routes are registered. */
const routeOf = (name: string) => name.replace(/\{([^}]+)\}/g, ':$1');
const methodOf = (name: string) => name.split(' ')[0];
const pathOf = (name: string) => routeOf(name).split(' ')[1];
/** Routes without a user's token: the probes, the login, and the metrics (their own token). */
const tokenless = new Set([...publicOperations, 'GET /metrics']);
const envelope = (schema: any) => !!schema?.properties?.error?.properties?.code && !!schema.properties.error.properties.details;
/** The error envelope, alone or as one answer of a union (the probes' 503 is their own report or the envelope). */
const hasEnvelope = (schema: any) => envelope(schema) || (schema?.anyOf ?? schema?.oneOf ?? []).some(envelope);

/** What can answer each status, read from the code's single sources rather than from the document. */
const sources: Record<string, (name: string, op: Operation) => boolean> = {
  // an API token outside its scopes (token-scopes.ts), or the policy's route table (action or roles)
  403: (name) => !tokenless.has(name) && (requiredScope(methodOf(name), pathOf(name)) !== 'any'
    || !!(routeRules[routeOf(name)] ?? (name.startsWith('GET /api/reports/') ? routeRules['GET /api/reports/*'] : undefined))),
  // every authenticated POST takes an Idempotency-Key, declared as a header parameter (IDEMPOTENCY_KEY_IN_PROGRESS)
  409: (_, op) => !!op.parameters?.some((p) => p.in === 'header' && p.name === 'idempotency-key'),
  // version checks: routes that read If-Match (PRECONDITION_FAILED)
  412: (_, op) => !!op.parameters?.some((p) => p.in === 'header' && p.name === 'if-match'),
  // rate-limited routes: the login and the password change (config.rateLimit)
  429: (name) => rateLimited.has(name),
  // every operation reaches the database (the session check, the login, the probes) and a draining API refuses all
  503: () => true,
};
let rateLimited: Set<string>;

function missing(predicate: (name: string, op: Operation) => boolean, status: string): string[] {
  return operations.filter(([name, op]) => predicate(name, op) && !(status in op.responses)).map(([name]) => `${name} lacks ${status}`);
}

describe('the OpenAPI document declares the statuses each operation can answer', () => {
  it('walks every operation', () => {
    expect(operations.length).toBeGreaterThan(30);
  });

  it('401 on every operation that needs a token, and none on the public ones', () => {
    expect(missing((name) => !publicOperations.has(name), '401')).toEqual([]);
    expect(operations.filter(([name, op]) => publicOperations.has(name) && '401' in op.responses && name !== 'POST /api/auth/login').map(([n]) => n)).toEqual([]);
  });

  it('400 and 422 wherever parameters, a query or a body are validated', () => {
    const validated = (_: string, op: Operation) => !!op.parameters?.length || !!op.requestBody;
    expect([...missing(validated, '400'), ...missing(validated, '422')]).toEqual([]);
  });

  it('404 wherever the path names something, 413 and 415 wherever a body is taken', () => {
    expect(missing((_, op) => !!op.parameters?.some((p) => p.in === 'path'), '404')).toEqual([]);
    expect([...missing((_, op) => !!op.requestBody, '413'), ...missing((_, op) => !!op.requestBody, '415')]).toEqual([]);
  });

  it('414 and 431 wherever a query string is taken (query length limit, request line over the header limit)', () => {
    const takesQuery = (_: string, op: Operation) => !!op.parameters?.some((p) => p.in === 'query');
    expect([...missing(takesQuery, '414'), ...missing(takesQuery, '431')]).toEqual([]);
  });

  it('204 on every delete, which answers without a body', () => {
    expect(missing((name) => name.startsWith('DELETE '), '204')).toEqual([]);
  });

  it('links that resolve to operations of the document', () => {
    const paths = doc.paths as Record<string, Record<string, unknown>>;
    const links = operations.flatMap(([name, op]) => Object.values(op.responses).flatMap((r) => Object.entries((r as { links?: Record<string, { operationRef: string }> }).links ?? {})
      .map(([link, { operationRef }]) => ({ name: `${name} ${link}`, operationRef }))));
    expect(links.length).toBeGreaterThan(20);
    const unresolved = links.filter(({ operationRef }) => {
      const [, pointer] = /^#\/paths\/([^/]+)\/(get|post|patch|delete)$/.exec(operationRef) ?? [];
      const method = operationRef.split('/').pop()!;
      return !pointer || !paths[pointer.replace(/~1/g, '/').replace(/~0/g, '~')]?.[method];
    });
    expect(unresolved.map((l) => l.name)).toEqual([]);
  });

  it('a success status on every operation', () => {
    expect(operations.filter(([, op]) => !Object.keys(op.responses).some((s) => s.startsWith('2'))).map(([n]) => n)).toEqual([]);
  });

  it('the error envelope as the schema of every declared 4xx and 5xx', () => {
    const wrong = operations.flatMap(([name, op]) => Object.entries(op.responses)
      .filter(([status]) => /^[45]/.test(status))
      .filter(([, response]) => !hasEnvelope(response.content?.['application/json']?.schema))
      .map(([status]) => `${name} ${status}`));
    expect(wrong).toEqual([]);
  });

  it('finds routes behind each source: the table, the tokens, idempotency, If-Match, the rate limits', () => {
    const counts = Object.fromEntries(Object.entries(sources).map(([status, from]) => [status, operations.filter(([name, op]) => from(name, op)).length]));
    expect(counts[403]).toBeGreaterThan(40);
    expect(counts[409]).toBeGreaterThan(20);
    expect(counts[412]).toBe(4); // PATCH, DELETE, restore and stage move of a record
    expect([...rateLimited].sort()).toEqual(['POST /api/auth/login', 'POST /api/auth/password']);
    expect(counts[503]).toBe(operations.length);
  });

  it('every status a source can answer is declared, with the error envelope', () => {
    const undeclared = Object.entries(sources).flatMap(([status, from]) => operations
      .filter(([name, op]) => from(name, op) && !hasEnvelope(op.responses[status]?.content?.['application/json']?.schema))
      .map(([name]) => `${name} ${status}`));
    expect(undeclared).toEqual([]);
  });

  it('no status declared that its source never answers (403, 412, 429; 401 and 403 off the public routes)', () => {
    const unfounded = (['403', '412', '429'] as const).flatMap((status) => operations
      .filter(([name, op]) => status in op.responses && !sources[status](name, op))
      .map(([name]) => `${name} ${status}`));
    expect(unfounded).toEqual([]);
    expect(operations.filter(([name, op]) => name === 'GET /api/auth/me' && '403' in op.responses)).toEqual([]);
    expect(operations.filter(([name, op]) => tokenless.has(name) && '403' in op.responses).map(([n]) => n)).toEqual([]);
  });
});
