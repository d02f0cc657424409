/** GET /ready: 200 only when the database and Temporal answer and the schema is migrated; /health keeps its contract. */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../engine/api/app.js';
import { createOrm, migrate, type Orm } from '../../engine/db/orm.js';
import { connectTemporal, type FlowClient } from '../../engine/temporal/client.js';
import { createTestDatabase } from '../support/database.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let orm: Orm;
let flow: FlowClient;
let app: FastifyInstance;

beforeAll(async () => {
  database = await createTestDatabase();
  orm = await createOrm({ databaseUrl: database.url, poolSize: 2 });
  flow = await connectTemporal({ address: inject('temporalAddress'), namespace: 'default', taskQueue: `ready-${database.name}` });
  app = await buildApp({ orm, flow, jwtSecret: 'test-secret-not-for-production' });
});
afterAll(async () => {
  await app?.close();
  await flow?.close();
  await orm?.close();
  await database?.drop();
});

describe('readiness', () => {
  it('is not ready before the migrations ran, then ready without a token; /health answers the same either way', async () => {
    const before = await app.inject({ method: 'GET', url: '/ready' });
    expect(before.statusCode).toBe(503);
    expect(before.json()).toEqual({ status: 'not_ready', db: 'ok', temporal: 'ok', migrations: 'pending' });
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok', db: 'ok', temporal: 'ok' });

    await migrate(orm);
    const after = await app.inject({ method: 'GET', url: '/ready' });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toEqual({ status: 'ready', db: 'ok', temporal: 'ok', migrations: 'ok' });
  });
});
