import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import type { HttpClient } from '../support/http.js';

let stack: Stack;
let admin: HttpClient;

beforeAll(async () => {
  stack = await startStack({ worker: false });
  admin = await stack.as('admin');
});
afterAll(async () => {
  await stack?.stop();
});

describe('the bundle GET /api/config returns', () => {
  it('validates and publishes back as it is, version and hash included', async () => {
    const before = (await admin.get('/api/config')).body;
    expect(typeof before.version).toBe('number');
    expect(before.hash).toMatch(/^sha256:/);

    expect((await admin.post('/api/config/validate', before)).body).toEqual({ valid: true, errors: [] });
    const unchanged = await admin.post('/api/config/publish', before);
    expect(unchanged.status).toBe(201);
    expect(unchanged.body.version).toBe(before.version + 1);
    // The decoration is not stored: the same content has the same hash.
    expect(unchanged.body.hash).toBe(before.hash);
  });

  it('takes one edited label through GET -> edit -> publish -> GET', async () => {
    const bundle = (await admin.get('/api/config')).body;
    const edited = structuredClone(bundle);
    edited.entities.quote.label.en = 'Sales quote';

    const published = await admin.post('/api/config/publish', edited);
    expect(published.status).toBe(201);
    expect(published.body.version).toBe(bundle.version + 1);
    expect(published.body.hash).not.toBe(bundle.hash);

    const after = (await admin.get('/api/config')).body;
    expect(after.version).toBe(published.body.version);
    expect(after.hash).toBe(published.body.hash);
    expect(after.entities.quote.label.en).toBe('Sales quote');
    const { version: _v1, hash: _h1, ...content } = after;
    const { version: _v2, hash: _h2, ...expected } = edited;
    expect(content).toEqual(expected);
  });

  it('round-trips a process of every step type with its entities, tables and pipelines', async () => {
    const every = JSON.parse(readFileSync(new URL('../fixtures/valid-config/every-step-type.json', import.meta.url), 'utf8'));
    const bundle = (await admin.get('/api/config')).body;
    for (const key of ['entities', 'approvalChains', 'processes', 'pipelines', 'decisionTables', 'scorecards', 'calendars', 'roles']) {
      bundle[key] = { ...bundle[key], ...every[key] };
    }
    const published = await admin.post('/api/config/publish', bundle);
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    const after = (await admin.get('/api/config')).body;
    expect(after.processes['claim-handling']).toEqual(every.processes['claim-handling']);
    expect(after.decisionTables).toMatchObject(every.decisionTables);
    expect(after.scorecards).toEqual(bundle.scorecards);
    expect((await admin.post('/api/config/validate', after)).body).toEqual({ valid: true, errors: [] });
  });

  it('still refuses a bundle that is invalid besides its decoration, with a code at the field', async () => {
    const bundle = (await admin.get('/api/config')).body;
    bundle.processes['quote-approval'].steps[0].chain = 'no-such-chain';
    const res = await admin.post('/api/config/publish', bundle);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('CONFIG_INVALID');
    expect(res.body.error.details).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_CHAIN', path: '/processes/quote-approval/steps/0/chain' }),
    ]);
  });
});
