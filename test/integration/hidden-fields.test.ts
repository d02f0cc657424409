import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startStack, type Stack } from '../support/stack.js';
import type { HttpClient } from '../support/http.js';

/**
 * Property-based: whatever a sales rep sends, `blacklistReason` (hidden from sales reps in the starter pack) is never
 * persisted by their writes and never returned to them, and no filter or sort on it answers anything but 422.
 */

const HIDDEN = 'blacklistReason';
const SECRET = 'secret-reason-7f3a';
let stack: Stack;
let sales1: HttpClient;
let customerId: string;

async function storedCount(sql: string, params: unknown[] = []): Promise<number> {
  const rows = await stack.orm.em.fork().getConnection().execute(sql, params);
  return rows[0].n as number;
}

beforeAll(async () => {
  stack = await startStack({ worker: false });
  sales1 = await stack.as('sales1');
  const created = await sales1.post('/api/records/customer', { name: 'Hidden Co', owner: 'sales1' });
  customerId = created.body.id;
  const admin = await stack.as('admin');
  const patched = await admin.patch(`/api/records/customer/${customerId}`, { [HIDDEN]: SECRET });
  if (patched.status !== 200) throw new Error(`admin patch failed: ${patched.status}`);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

const visibleFields = fc.record({
  name: fc.string({ minLength: 1, maxLength: 40 }),
  address: fc.string({ maxLength: 40 }),
  tier: fc.constantFrom('A', 'B', 'C'),
}, { requiredKeys: ['name'] });
const hiddenValue = fc.oneof(fc.string({ maxLength: 30 }), fc.constant(null), fc.integer(), fc.constant(SECRET));

describe('hidden fields under generated input', () => {
  it('refuses every write that names the hidden field and stores nothing of it', async () => {
    const before = await storedCount(`select count(*)::int as n from records where entity = 'customer'`);
    await fc.assert(fc.asyncProperty(visibleFields, hiddenValue, fc.boolean(), fc.constantFrom('create', 'patch', 'import'), async (fields, value, wrapped, route) => {
      const data = { ...fields, [HIDDEN]: value };
      const body = wrapped ? { data } : data;
      const res = route === 'create' ? await sales1.post('/api/records/customer', body)
        : route === 'patch' ? await sales1.patch(`/api/records/customer/${customerId}`, body)
          : await sales1.post('/api/records/customer/import', [data]);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('FORBIDDEN_FIELD');
      expect(JSON.stringify(res.body)).not.toContain(SECRET);
    }), { numRuns: 60 });
    expect(await storedCount(`select count(*)::int as n from records where entity = 'customer'`)).toBe(before);
    expect(await storedCount(`select count(*)::int as n from records where id = ? and data->>'${HIDDEN}' = ?`, [customerId, SECRET])).toBe(1);
  }, 120_000);

  it('never returns the hidden field from writes, reads, lists, history or exports', async () => {
    await fc.assert(fc.asyncProperty(visibleFields, async (fields) => {
      const answers = [
        await sales1.patch(`/api/records/customer/${customerId}`, { address: fields.address ?? 'x' }),
        await sales1.post('/api/records/customer', fields),
        await sales1.get(`/api/records/customer/${customerId}`),
        await sales1.get(`/api/records/customer/${customerId}/history`),
        await sales1.get('/api/records/customer?limit=500'),
        await sales1.get('/api/records/customer/export?format=json'),
        await sales1.get('/api/records/customer/export?format=csv'),
      ];
      for (const answer of answers) {
        expect(answer.status).toBeLessThan(300);
        const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        expect(text).not.toContain(HIDDEN);
        expect(text).not.toContain(SECRET);
      }
    }), { numRuns: 15 });
  }, 120_000);

  it('answers 422 to any filter or sort that reads the hidden field', async () => {
    const comparisons = fc.oneof(
      fc.string({ maxLength: 12 }).map((s) => `record.${HIDDEN} == ${JSON.stringify(s)}`),
      fc.string({ maxLength: 6 }).map((s) => `record.${HIDDEN}.startsWith(${JSON.stringify(s)})`),
      fc.constant(`has(record.${HIDDEN})`),
      fc.constant(`record["${HIDDEN}"] != ""`),
      fc.constant(`record.name != "" && record.${HIDDEN} == "${SECRET}"`),
      fc.constant(`!(record.${HIDDEN} == "${SECRET}") || record.name == "x"`),
    );
    await fc.assert(fc.asyncProperty(comparisons, fc.constantFrom('', '/export'), async (filter, path) => {
      const res = await sales1.get(`/api/records/customer${path}?filter=${encodeURIComponent(filter)}`);
      expect(res.status).toBe(422);
      expect(JSON.stringify(res.body)).not.toContain(SECRET);
    }), { numRuns: 40 });
    for (const sort of [HIDDEN, `-${HIDDEN}`]) expect((await sales1.get(`/api/records/customer?sort=${sort}`)).status).toBe(422);
  }, 120_000);
});
