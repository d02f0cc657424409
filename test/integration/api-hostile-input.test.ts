import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
let token: string;
let salesToken: string;
let operations: { method: string; path: string }[];
let documented: Record<string, Record<string, { responses: Record<string, unknown> }>>;
/** `METHOD /path/{param} status` for every answer the operation's OpenAPI entry does not declare. */
const undocumented = new Set<string>();
/** Every status seen, so that the check above cannot pass by seeing nothing. */
const observed = new Set<number>();
beforeAll(async () => {
  stack = await startStack();
  token = (await stack.as('admin')).token!;
  salesToken = (await stack.as('sales1')).token!;
  const doc = (await stack.anonymous().get('/openapi.json')).body as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
  documented = doc.paths;
  operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((method) => ({ method: method.toUpperCase(), path })))
    // logout ends the session these calls run in (test/integration/auth-sessions.test.ts covers it)
    .filter((o) => o.path !== '/api/auth/logout');
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

/** Values put in every path parameter. */
const params = ['not-a-uuid', '00000000-0000-0000-0000-000000000000', '%00', 'a%00b', 'x'.repeat(400), '..%2F..%2Fetc', '%F0%9F%92%A5', '-1', '1e999', '%27%20or%201%3D1--'];

/** Bodies and the content types they are sent with. */
const bodies: [string, string, string][] = [
  ['invalid JSON', 'application/json', '{"a": '],
  ['empty JSON body', 'application/json', ''],
  ['NUL in strings', 'application/json', '{"name": "a\\u0000b", "entity": "quote\\u0000", "to": "x\\u0000", "username": "\\u0000", "password": "\\u0000"}'],
  ['huge numbers', 'application/json', '{"total": 1e999, "discountPercent": -1e400, "limit": 123456789012345678901234567890}'],
  ['deep nesting', 'application/json', deep(5000)],
  ['deep objects', 'application/json', '{"a":'.repeat(3000) + '1' + '}'.repeat(3000)],
  ['a JSON string', 'application/json', '"just a string"'],
  ['a JSON array', 'application/json', '[1, 2, 3]'],
  ['JSON null', 'application/json', 'null'],
  ['text/plain', 'text/plain', 'hello'],
  ['XML', 'application/xml', '<a/>'],
  ['form data', 'application/x-www-form-urlencoded', 'a=1&b=2'],
  ['wrong types', 'application/json', '{"process": 1, "entity": [], "recordId": {}, "outcome": 5, "stage": true, "to": null, "url": 7, "events": "x"}'],
  ['prototype keys', 'application/json', '{"__proto__": {"admin": true}, "constructor": {"prototype": {}}}'],
];

const queries = ['?limit=-1', '?limit=1e999', '?limit=abc', '?cursor=%00', '?cursor=not-base64!!', '?filter=%00', '?filter=' + encodeURIComponent('record.x ==='),
  '?sort=' + 'x'.repeat(300), '?scope=nope', '?from=not-a-date', '?a[b][c]=1', `?q=${'y'.repeat(5000)}`];

function concrete(path: string, value: string): string {
  return path.replace(/\{[^}]+\}/g, value);
}

async function call(method: string, url: string, contentType?: string, body?: string, operation?: string, as = token) {
  const res = await fetch(stack.url + url, {
    method, headers: { authorization: `Bearer ${as}`, ...(contentType ? { 'content-type': contentType } : {}) },
    ...(body !== undefined && method !== 'GET' && method !== 'DELETE' ? { body } : {}),
  });
  const text = await res.text();
  let json: unknown = null;
  try { json = JSON.parse(text); } catch { /* checked below */ }
  observed.add(res.status);
  if (operation && !(String(res.status) in (documented[operation]?.[method.toLowerCase()]?.responses ?? {}))) undocumented.add(`${method} ${operation} ${res.status}`);
  return { status: res.status, json, text };
}

function expectEnvelope(label: string, res: { status: number; json: unknown; text: string }) {
  expect(res.status, `${label}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400) {
    const error = (res.json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
    expect(typeof error?.code, `${label}: ${res.text.slice(0, 300)}`).toBe('string');
    expect(typeof error?.message, label).toBe('string');
    expect(Array.isArray(error?.details), label).toBe(true);
  }
}

describe('hostile input on every route of /openapi.json', { timeout: 600_000 }, () => {
  it('the document lists the routes to hit', () => {
    expect(operations.length).toBeGreaterThan(30);
  });

  it('answers bad path parameters with a client error and the error envelope', async () => {
    for (const { method, path } of operations.filter((o) => o.path.includes('{'))) {
      for (const value of params) {
        const url = concrete(path, value);
        expectEnvelope(`${method} ${url}`, await call(method, url, method === 'GET' || method === 'DELETE' ? undefined : 'application/json', '{}', path));
      }
    }
  });

  it('answers hostile bodies and content types with a client error and the error envelope', async () => {
    for (const { method, path } of operations.filter((o) => o.method !== 'GET' && o.method !== 'DELETE')) {
      const url = concrete(path, path.includes('{entity}') ? 'quote' : '00000000-0000-4000-8000-000000000000').replace('/api/records/quote/00000000', '/api/records/quote/00000000');
      for (const [label, contentType, body] of bodies) {
        expectEnvelope(`${method} ${url} with ${label}`, await call(method, concrete(path, 'quote'), contentType, body, path));
        expectEnvelope(`${method} ${url} with ${label}`, await call(method, url, contentType, body, path));
      }
    }
  });

  it('answers hostile query strings with a client error and the error envelope', async () => {
    for (const { method, path } of operations.filter((o) => o.method === 'GET')) {
      for (const query of queries) {
        const url = concrete(path, 'quote') + query;
        expectEnvelope(`${method} ${url.slice(0, 120)}`, await call(method, url, undefined, undefined, path));
      }
    }
  });

  it('answers a sales rep and an anonymous caller on every route with the error envelope', async () => {
    for (const { method, path } of operations) {
      const url = concrete(path, path.includes('{entity}') ? 'quote' : '00000000-0000-4000-8000-000000000000').replace(/\/api\/records\/quote\/00000000-[^/]+$/, '/api/records/quote/00000000-0000-4000-8000-000000000000');
      const contentType = method === 'GET' || method === 'DELETE' ? undefined : 'application/json';
      expectEnvelope(`${method} ${url} as sales1`, await call(method, url, contentType, '{}', path, salesToken));
      expectEnvelope(`${method} ${url} anonymous`, await call(method, url, contentType, '{}', path, 'not-a-token'));
    }
  });

  it('declares in /openapi.json every status these answers had', () => {
    expect([...observed].sort()).toEqual(expect.arrayContaining([200, 400, 401, 403, 404, 415, 422]));
    expect([...undocumented].sort().join('\n')).toBe('');
  });

  it('answers an oversized body with 413 and an oversized query with 414', async () => {
    const big = await call('POST', '/api/records/quote', 'application/json', JSON.stringify({ customerName: 'x'.repeat(2 * 1024 * 1024) }));
    expect(big.status).toBe(413);
    expect(big.json).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    const long = await call('GET', `/api/records/quote?filter=${'z'.repeat(9000)}`);
    expect(long.status).toBe(414);
    expect(long.json).toMatchObject({ error: { code: 'QUERY_TOO_LONG' } });
  });

  it('answers a known path with an unknown method with 405 and Allow', async () => {
    const table: [string, string, string[]][] = [
      ['PUT', '/api/records/quote', ['GET', 'HEAD', 'POST']],
      ['DELETE', '/api/config', ['GET', 'HEAD']],
      ['POST', '/api/records/quote/00000000-0000-4000-8000-000000000000', ['DELETE', 'GET', 'HEAD', 'PATCH']],
      ['PATCH', '/api/auth/login', ['POST']],
    ];
    for (const [method, url, allowed] of table) {
      const res = await fetch(stack.url + url, { method, headers: { authorization: `Bearer ${token}` } });
      expect(res.status, `${method} ${url}`).toBe(405);
      expect(res.headers.get('allow')?.split(', ').sort(), `${method} ${url}`).toEqual(allowed);
      expect(await res.json()).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } });
    }
    expect((await call('GET', '/api/nothing-here')).status).toBe(404);
  });
});

describe('CSV export', () => {
  it('prefixes cells that a spreadsheet would run as formulas', async () => {
    const admin = await stack.as('admin');
    const formula = '=HYPERLINK("http://evil.example","x")';
    const created = await admin.post('/api/records/quote', { customerName: formula, lines: [{ product: '@SUM(A1)', quantity: 1, unitPrice: 1 }] });
    expect(created.status).toBe(201);
    const res = await fetch(`${stack.url}/api/records/quote/export?format=csv&filter=${encodeURIComponent(`record.customerName == '${formula.replace(/"/g, '\\"')}'`)}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
  });
});

describe('security headers and CORS', () => {
  it('sends helmet headers with a strict CSP on API answers, relaxed only for /docs and the admin UI', async () => {
    const res = await fetch(`${stack.url}/api/config`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self';");
    expect(res.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    const docs = await fetch(`${stack.url}/docs/`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self' 'unsafe-inline'");
    const ui = await fetch(`${stack.url}/admin/`);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-security-policy')).toContain("script-src 'self' 'unsafe-eval'");
    expect(ui.headers.get('content-security-policy')).not.toContain("script-src 'self' 'unsafe-inline'");
  });

  it('answers no CORS headers unless origins are configured', async () => {
    const res = await fetch(`${stack.url}/health`, { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${stack.url}/api/records/quote`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.status).toBeGreaterThanOrEqual(400);
  });

  it('allows exactly the configured origins (FLOWCRM_CORS_ORIGINS)', async () => {
    const { buildApp } = await import('../../engine/api/app.js');
    const { corsOrigins } = await import('../../engine/api/plugins/hygiene.js');
    const app = await buildApp({ orm: stack.orm, flow: stack.flow, jwtSecret: 'x', corsOrigins: corsOrigins(' https://crm.example , https://ops.example') });
    try {
      const allowed = await app.inject({ method: 'OPTIONS', url: '/api/records/quote', headers: { origin: 'https://crm.example', 'access-control-request-method': 'POST' } });
      expect(allowed.statusCode).toBe(204);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://crm.example');
      expect(String(allowed.headers['access-control-allow-methods'])).toContain('PATCH');
      const other = await app.inject({ method: 'GET', url: '/health', headers: { origin: 'https://evil.example' } });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});
