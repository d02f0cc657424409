import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startStack, type Stack } from '../support/stack.js';
import { quoteData } from '../support/quotes.js';
import { PROTOTYPE_KEYS, SYSTEM_FIELDS } from '../../engine/domain/records/mass-assignment.js';

let stack: Stack;
let token: string;
beforeAll(async () => {
  stack = await startStack({ worker: false });
  token = (await stack.as('sales1')).token!;
});
afterAll(async () => {
  await stack?.stop();
});

/** Sends `text` as a JSON body exactly as written (so `__proto__` arrives as a key). */
async function send(method: string, path: string, text: string, contentType = 'application/json') {
  const res = await fetch(stack.url + path, { method, headers: { 'content-type': contentType, authorization: `Bearer ${token}` }, body: text });
  const raw = await res.text();
  return { status: res.status, body: raw ? JSON.parse(raw) : null };
}

async function counts() {
  const [row] = await stack.orm.em.fork().getConnection().execute(
    `select (select count(*)::int from records) as records, (select count(*)::int from audit_entries where action <> 'login') as audit`);
  return row as { records: number; audit: number };
}

const quoteFields = ['customerName', 'lines', 'discountPercent', 'total', 'status'];

/** One key that must never be written, with the JSON pointer and the code the API must answer with. */
interface Injection { key: string; text: string; code: 'FORBIDDEN_FIELD' | 'UNKNOWN_FIELD' }

const injection: fc.Arbitrary<Injection> = fc.oneof(
  fc.constantFrom(...SYSTEM_FIELDS).map((key) => ({ key, text: JSON.stringify('x'), code: 'FORBIDDEN_FIELD' as const })),
  fc.constantFrom(...PROTOTYPE_KEYS).chain((key) => fc.constantFrom('{"admin": true}', '1', '{"prototype": {"polluted": 1}}', 'null')
    .map((text) => ({ key, text, code: 'FORBIDDEN_FIELD' as const }))),
  fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,15}$/).filter((k) => !quoteFields.includes(k) && !SYSTEM_FIELDS.has(k) && !PROTOTYPE_KEYS.has(k))
    .map((key) => ({ key, text: '"sneaky"', code: 'UNKNOWN_FIELD' as const })),
);

/** Valid quote data with the injections spliced in as raw JSON members, optionally wrapped as {data: ...}. */
function body(injections: Injection[], wrapped: boolean, base: Record<string, unknown> = quoteData(5, 500)): { text: string; paths: string[] } {
  const members = [...Object.entries(base).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`),
    ...injections.map((i) => `${JSON.stringify(i.key)}: ${i.text}`)];
  const object = `{${members.join(', ')}}`;
  const prefix = wrapped ? '/data' : '';
  return { text: wrapped ? `{"data": ${object}}` : object, paths: injections.map((i) => `${prefix}/${i.key}`) };
}

const distinct = fc.uniqueArray(injection, { minLength: 1, maxLength: 4, selector: (i) => i.key });

/** Prototype keys are refused by the body parser, before the record checks: then only they are reported. */
function expectRefused(res: { status: number; body: any }, injections: Injection[], paths: string[]) {
  expect(res.status).toBe(422);
  const code = injections.some((i) => i.code === 'FORBIDDEN_FIELD') ? 'FORBIDDEN_FIELD' : 'UNKNOWN_FIELD';
  expect(res.body.error.code).toBe(code);
  const reported = new Set(res.body.error.details.map((d: { path: string }) => d.path));
  const parserRefused = injections.some((i) => PROTOTYPE_KEYS.has(i.key));
  for (const [index, path] of paths.entries()) {
    if (!parserRefused || PROTOTYPE_KEYS.has(injections[index].key)) expect(reported, path).toContain(path);
  }
  expect(res.body.id).toBeUndefined();
  expect(JSON.stringify(res.body)).not.toContain('sneaky');
}

describe('mass assignment (property-based, against the running API)', { timeout: 180_000 }, () => {
  it('a create naming system, prototype or unknown keys persists nothing and returns no record', async () => {
    const before = await counts();
    await fc.assert(fc.asyncProperty(distinct, fc.boolean(), async (injections, wrapped) => {
      const { text, paths } = body(injections, wrapped);
      expectRefused(await send('POST', '/api/records/quote', text), injections, paths);
    }), { numRuns: 60 });
    expect(await counts()).toEqual(before);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a PATCH naming them changes nothing: same version, data and history', async () => {
    const sales1 = await stack.as('sales1');
    const { body: record } = await sales1.post('/api/records/quote', quoteData(5, 500));
    const before = await counts();
    await fc.assert(fc.asyncProperty(distinct, fc.boolean(), async (injections, wrapped) => {
      const { text, paths } = body(injections, wrapped, { discountPercent: 6 });
      expectRefused(await send('PATCH', `/api/records/quote/${record.id}`, text), injections, paths);
    }), { numRuns: 60 });
    expect((await sales1.get(`/api/records/quote/${record.id}`)).body).toEqual({ ...record, locks: { fields: [], processIds: [] } });
    expect(await counts()).toEqual(before);
  });

  it('a JSON import with such rows imports none of them, in either mode', async () => {
    const before = await counts();
    await fc.assert(fc.asyncProperty(distinct, fc.constantFrom('all-or-nothing', 'valid-only'), async (injections, mode) => {
      const { text } = body(injections, false);
      const res = await send('POST', `/api/records/quote/import?mode=${mode}`, `[${text}, ${text}]`);
      if (injections.some((i) => PROTOTYPE_KEYS.has(i.key))) {
        expect(res.status).toBe(422);
        expect(res.body.error.code).toBe('FORBIDDEN_FIELD');
      } else if (mode === 'all-or-nothing') {
        expect(res.status).toBe(422);
        expect(res.body).toMatchObject({ imported: 0, failed: 2 });
        for (const i of injections) expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(`/0/${i.key}`);
      } else {
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ imported: 0, failed: 2 });
      }
    }), { numRuns: 40 });
    expect(await counts()).toEqual(before);
  });

  it('a CSV import whose header names a prototype key or a system field imports nothing', async () => {
    const before = await counts();
    for (const [column, pointer] of [['__proto__.admin', '/__proto__/admin'], ['constructor', '/constructor'], ['lines.prototype', '/lines/prototype']]) {
      const res = await send('POST', '/api/records/quote/import?mode=valid-only', `customerName,total,${column}\nAcme,5,x\n`, 'text/csv');
      expect(res.status, column).toBe(422);
      expect(res.body.error, column).toMatchObject({ code: 'FORBIDDEN_FIELD', details: [{ path: pointer, code: 'FORBIDDEN_FIELD' }] });
    }
    for (const column of ['createdBy', 'id', 'version', 'review']) {
      const res = await send('POST', '/api/records/quote/import?mode=valid-only', `customerName,lines,${column}\nAcme,"[{""product"":""p"",""quantity"":1,""unitPrice"":1}]",x\n`, 'text/csv');
      expect(res.status, column).toBe(200);
      expect(res.body, column).toEqual({ imported: 0, failed: 1, errors: [{ row: 1, path: `/${column}`, message: `${column} is set by the system` }] });
    }
    expect(await counts()).toEqual(before);
  });

  it('process-driven status (read-only) cannot be set by create, PATCH or import', async () => {
    const sales1 = await stack.as('sales1');
    const { body: record } = await sales1.post('/api/records/quote', quoteData(5, 500));
    const before = await counts();
    await fc.assert(fc.asyncProperty(fc.constantFrom('approved', 'rejected', 'pending_approval'), fc.boolean(), async (status, wrapped) => {
      const { text } = body([{ key: 'status', text: JSON.stringify(status), code: 'FORBIDDEN_FIELD' }], wrapped);
      const pointer = `${wrapped ? '/data' : ''}/status`;
      for (const res of [await send('POST', '/api/records/quote', text), await send('PATCH', `/api/records/quote/${record.id}`, wrapped ? `{"data": {"status": ${JSON.stringify(status)}}}` : `{"status": ${JSON.stringify(status)}}`)]) {
        expect(res.status).toBe(422);
        expect(res.body.error.details).toEqual([expect.objectContaining({ path: pointer, code: 'READ_ONLY_FIELD' })]);
      }
      const imported = await send('POST', '/api/records/quote/import?mode=valid-only', `[${body([{ key: 'status', text: JSON.stringify(status), code: 'FORBIDDEN_FIELD' }], false).text}]`);
      expect(imported.body).toMatchObject({ imported: 0, failed: 1, errors: [{ row: 1, path: '/status' }] });
    }), { numRuns: 12 });
    expect(await counts()).toEqual(before);
    expect((await sales1.get(`/api/records/quote/${record.id}`)).body).toEqual({ ...record, locks: { fields: [], processIds: [] } });
  });

  it('still accepts the same bodies without the injected keys', async () => {
    const { text } = body([], true);
    const res = await send('POST', '/api/records/quote', text);
    expect(res.status).toBe(201);
    expect(Object.keys(res.body.data).every((k) => quoteFields.includes(k))).toBe(true);
  });
});
