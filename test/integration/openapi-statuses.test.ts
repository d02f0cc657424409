import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../engine/api/app.js';
import type { AppDeps } from '../../engine/api/context.js';

interface Operation { parameters?: { in: string; name: string }[]; requestBody?: unknown; responses: Record<string, { content?: Record<string, { schema?: any }> }>; security?: unknown[] }

let app: FastifyInstance;
let operations: [string, Operation][];
beforeAll(async () => {
  // the document is built from the route schemas alone: no database or Temporal is touched
  app = await buildApp({ orm: {} as AppDeps['orm'], flow: {} as AppDeps['flow'], jwtSecret: 'openapi-test' });
  const doc = (await app.inject('/openapi.json')).json() as { paths: Record<string, Record<string, Operation>> };
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
