import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../engine/api/app.js';
import type { AppDeps } from '../../engine/api/context.js';

interface Operation { parameters?: { in: string; name: string }[]; requestBody?: unknown; responses: Record<string, { content?: Record<string, { schema?: any }> }>; security?: unknown[] }

let app: FastifyInstance;
let operations: [string, Operation][];
let doc: { paths: Record<string, Record<string, Operation>> };
beforeAll(async () => {
  // the document is built from the route schemas alone: no database or Temporal is touched
  app = await buildApp({ orm: {} as AppDeps['orm'], flow: {} as AppDeps['flow'], jwtSecret: 'openapi-test' });
  doc = (await app.inject('/openapi.json')).json() as typeof doc;
  operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map(([m, op]) => [`${m.toUpperCase()} ${path}`, op] as [string, Operation]));
});
afterAll(async () => {
  await app?.close();
});

const publicOperations = new Set(['GET /health', 'GET /ready', 'POST /api/auth/login']);

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
      .filter(([, response]) => {
        const schema = response.content?.['application/json']?.schema;
        return !schema?.properties?.error?.properties?.code || !schema.properties.error.properties.details;
      })
      .map(([status]) => `${name} ${status}`));
    expect(wrong).toEqual([]);
  });
});
