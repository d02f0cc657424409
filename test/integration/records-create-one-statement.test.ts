import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { runSql } from '../../engine/db/record-sql.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack?.stop();
});

const year = new Date().getUTCFullYear();
const seqOf = (number: unknown) => Number(String(number).split('-')[2]);

describe('creates in one statement (decision 0105)', () => {
  it('draws gap-free numbers inside the statement, audits the drawn number, and spends none on a refused create', async () => {
    const sales1 = await stack.as('sales1');
    const first = await sales1.post('/api/records/contact', { name: 'First Contact' });
    expect(first.status).toBe(201);
    expect(first.body.data.number).toMatch(new RegExp(`^CN-${year}-\\d{6}$`));
    const seq = seqOf(first.body.data.number);
    expect((await sales1.post('/api/records/contact', { name: 'Refused', attitude: 42 })).status).toBe(422);
    const many = await Promise.all(Array.from({ length: 8 }, (_, i) => sales1.post('/api/records/contact', { name: `Contact ${i}` })));
    expect(many.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(many.map((r) => seqOf(r.body.data.number)).sort((a, b) => a - b)).toEqual(Array.from({ length: 8 }, (_, i) => seq + 1 + i));
    const ids = [first, ...many].map((r) => r.body.id as string);
    const stored = await runSql<{ id: string; number: string; audited: string; name: string }>(stack.orm.em.fork(),
      `select r.id, r.data ->> 'number' as number, a.changes -> 'number' ->> 'after' as audited, a.changes -> 'name' ->> 'after' as name
       from records r join audit_entries a on a.record_id = r.id and a.action = 'create' where r.id = any($1::uuid[])`, [ids]);
    expect(stored).toHaveLength(9);
    for (const row of stored) {
      const answer = [first, ...many].find((r) => r.body.id === row.id)!;
      expect(row).toMatchObject({ number: answer.body.data.number, audited: answer.body.data.number, name: answer.body.data.name });
    }
  });

  it('still looks up a reference that is given, and refuses an unknown one at its path', async () => {
    const sales1 = await stack.as('sales1');
    const refused = await sales1.post('/api/records/quote', {
      customerName: 'Acme', lines: [{ product: 'P', quantity: 1, unitPrice: 10 }], customer: '00000000-0000-4000-8000-000000000000',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ path: '/customer', code: 'INVALID_REFERENCE' })]);
    const created = await sales1.post('/api/records/quote', { customerName: 'Acme', lines: [{ product: 'P', quantity: 1, unitPrice: 10 }] });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ customerName: 'Acme', status: 'draft' });
  });
});
