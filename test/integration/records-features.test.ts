import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { publishRecordsTestBundle } from '../support/records-bundle.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
  await publishRecordsTestBundle(stack);
});
afterAll(async () => {
  await stack?.stop();
});

const year = new Date().getUTCFullYear();
let codes = 0;
const account = (extra: Record<string, unknown> = {}) => ({ name: 'Acme', code: `C${++codes}`, ...extra });
const paths = (body: any) => body.error.details.map((d: { path: string }) => d.path);

describe('numbering', () => {
  it('numbers records gap-free per pattern period, also under concurrent creates and failed ones', async () => {
    const sales1 = await stack.as('sales1');
    const first = await sales1.post('/api/records/account', account());
    expect(first.status).toBe(201);
    const seq = Number(String(first.body.data.number).split('-')[2]);
    expect(first.body.data.number).toBe(`A-${year}-${String(seq).padStart(4, '0')}`);
    expect((await sales1.post('/api/records/account', account({ industry: 'mining' }))).status).toBe(422);
    const many = await Promise.all(Array.from({ length: 8 }, () => sales1.post('/api/records/account', account())));
    expect(many.map((r) => r.status)).toEqual(Array(8).fill(201));
    const numbers = many.map((r) => Number(String(r.body.data.number).split('-')[2])).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 8 }, (_, i) => seq + 1 + i));
    const forged = await sales1.post('/api/records/account', account({ number: 'A-1999-0001' }));
    expect(forged.status).toBe(422);
    expect(forged.body.error.details).toEqual([expect.objectContaining({ path: '/number', code: 'READ_ONLY_FIELD' })]);
  });
});

describe('unique fields, soft delete and restore', () => {
  it('answers 409 at the field path for a taken value, frees it on delete and re-checks on restore', async () => {
    const sales1 = await stack.as('sales1');
    const a = await sales1.post('/api/records/account', account({ code: 'UNIQ-1' }));
    expect(a.status).toBe(201);
    const dup = await sales1.post('/api/records/account', account({ code: 'UNIQ-1' }));
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('CONFLICT');
    expect(paths(dup.body)).toEqual(['/code']);
    const b = await sales1.post('/api/records/account', account({ code: 'UNIQ-2' }));
    const clash = await sales1.patch(`/api/records/account/${b.body.id}`, { code: 'UNIQ-1' });
    expect(clash.status).toBe(409);
    expect(paths(clash.body)).toEqual(['/code']);
    const race = await Promise.all([1, 2, 3].map(() => sales1.post('/api/records/account', account({ code: 'UNIQ-RACE' }))));
    expect(race.map((r) => r.status).sort()).toEqual([201, 409, 409]);

    expect((await sales1.post(`/api/records/account/${a.body.id}/restore`)).status).toBe(409);
    expect((await sales1.delete(`/api/records/account/${a.body.id}`)).status).toBe(204);
    const again = await sales1.post('/api/records/account', account({ code: 'UNIQ-1' }));
    expect(again.status).toBe(201);
    const blocked = await sales1.post(`/api/records/account/${a.body.id}/restore`);
    expect(blocked.status).toBe(409);
    expect(paths(blocked.body)).toEqual(['/code']);
    expect((await sales1.delete(`/api/records/account/${again.body.id}`)).status).toBe(204);
    expect((await sales1.post(`/api/records/account/${a.body.id}/restore`, {}, { 'if-match': '1' })).status).toBe(412);
    const restored = await sales1.post(`/api/records/account/${a.body.id}/restore`, {}, { 'if-match': '2' });
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ id: a.body.id, version: 3, updatedBy: 'sales1' });
    expect((await sales1.get(`/api/records/account/${a.body.id}`)).status).toBe(200);
    expect((await sales1.post('/api/records/account/00000000-0000-4000-8000-000000000000/restore')).status).toBe(404);
    const history = await sales1.get(`/api/records/account/${a.body.id}/history`);
    expect(history.body.items.map((h: { action: string }) => h.action)).toEqual(['create', 'delete', 'restore']);
  });
});

describe('computed, picklist, reference and user fields', () => {
  it('computes x-computed fields on every write and refuses writes to them', async () => {
    const sales1 = await stack.as('sales1');
    const created = await sales1.post('/api/records/account', account({ seats: 10, seatPrice: 2.5 }));
    expect(created.body.data.yearly).toBe(300);
    const patched = await sales1.patch(`/api/records/account/${created.body.id}`, { seats: 20 });
    expect(patched.body.data.yearly).toBe(600);
    const forged = await sales1.patch(`/api/records/account/${created.body.id}`, { yearly: 1 });
    expect(forged.status).toBe(422);
    expect(forged.body.error.details).toEqual([expect.objectContaining({ path: '/yearly', code: 'READ_ONLY_FIELD' })]);
  });

  it('checks picklist and multiselect values', async () => {
    const sales1 = await stack.as('sales1');
    expect((await sales1.post('/api/records/account', account({ industry: 'energy', sectors: ['retail', 'energy'] }))).status).toBe(201);
    const bad = await sales1.post('/api/records/account', { data: account({ industry: 'mining', sectors: ['retail', 'oil'] }) });
    expect(bad.status).toBe(422);
    expect(paths(bad.body).sort()).toEqual(['/data/industry', '/data/sectors/1']);
  });

  it('needs references to live records of the target entity and users that exist', async () => {
    const sales1 = await stack.as('sales1');
    const acc = await sales1.post('/api/records/account', account());
    const quote = (await sales1.get('/api/records/quote?limit=1')).body.items[0];
    expect((await sales1.post('/api/records/contact', { name: 'Ann', account: acc.body.id })).status).toBe(201);
    for (const ref of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', ...(quote ? [quote.id] : [])]) {
      const bad = await sales1.post('/api/records/contact', { name: 'Ann', account: ref });
      expect(bad.status, ref).toBe(422);
      expect(bad.body.error.details).toEqual([expect.objectContaining({ path: '/account', code: 'INVALID_REFERENCE' })]);
    }
    await sales1.delete(`/api/records/account/${acc.body.id}`);
    expect(paths((await sales1.post('/api/records/contact', { name: 'Ann', account: acc.body.id })).body)).toEqual(['/account']);
    // naming another owner is a transfer: sales reps may not, their branch manager may
    const handed = await sales1.post('/api/records/account', account({ owner: 'sales2' }));
    expect(handed.status).toBe(422);
    expect(handed.body.error).toMatchObject({ code: 'FORBIDDEN_FIELD', details: [expect.objectContaining({ path: '/owner' })] });
    const branchmgr = await stack.as('branchmgr');
    expect((await branchmgr.post('/api/records/account', account({ owner: 'sales2' }))).status).toBe(201);
    const ghost = await branchmgr.post('/api/records/account', account({ owner: 'nobody' }));
    expect(ghost.status).toBe(422);
    expect(ghost.body.error.details).toEqual([expect.objectContaining({ path: '/owner', code: 'UNKNOWN_USER' })]);
  });
});

describe('maker-checker review', () => {
  it('moves through first and second review by different people, resets on change and is audited', async () => {
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const finance = await stack.as('finance');
    const { body: created } = await sales1.post('/api/records/account', account());
    expect(created.review).toEqual({ state: 'unreviewed', firstReviewer: null, firstReviewedAt: null, secondReviewer: null, secondReviewedAt: null });
    const url = `/api/records/account/${created.id}/review`;
    expect((await finance.post(url, { stage: 'second' })).status).toBe(409);
    const first = await branchmgr.post(url, { stage: 'first', comment: 'looks right' });
    expect(first.status).toBe(200);
    expect(first.body.review).toMatchObject({ state: 'first_reviewed', firstReviewer: 'branchmgr' });
    const self = await branchmgr.post(url, { stage: 'second' });
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('FORBIDDEN');
    expect((await sales1.post(url, { stage: 'second' })).status).toBe(403);
    expect((await finance.post(url, { stage: 'first' })).status).toBe(409);
    expect((await finance.post(url, { stage: 'third' })).status).toBe(422);
    const second = await finance.post(url, { stage: 'second' });
    expect(second.status).toBe(200);
    expect(second.body.review).toMatchObject({ state: 'reviewed', firstReviewer: 'branchmgr', secondReviewer: 'finance' });
    expect((await sales1.get(`/api/records/account/${created.id}`)).body.review.state).toBe('reviewed');
    const reviewed = await sales1.get('/api/records/account?review=reviewed&limit=500');
    expect(reviewed.body.items.map((r: { id: string }) => r.id)).toEqual([created.id]);

    const changed = await sales1.patch(`/api/records/account/${created.id}`, { name: 'Acme Ltd' });
    expect(changed.body.review.state).toBe('unreviewed');
    const unreviewed = await sales1.get('/api/records/account?review=unreviewed&limit=500');
    expect(unreviewed.body.items.map((r: { id: string }) => r.id)).toContain(created.id);
    const history = await sales1.get(`/api/records/account/${created.id}/history`);
    expect(history.body.items.map((h: { action: string; actor: string }) => `${h.action}:${h.actor}`))
      .toEqual(['create:sales1', 'review:first:branchmgr', 'review:second:finance', 'update:sales1']);
    expect(history.body.items[1]).toMatchObject({ comment: 'looks right', changes: { review: { before: 'unreviewed', after: 'first_reviewed' } } });
  });

  it('refuses review where the entity does not require it and unknown records', async () => {
    const sales1 = await stack.as('sales1');
    const { body: quote } = await sales1.post('/api/records/quote', { customerName: 'X', lines: [{ product: 'p', quantity: 1, unitPrice: 1 }] });
    expect(quote.review).toBeUndefined();
    expect((await sales1.post(`/api/records/quote/${quote.id}/review`, { stage: 'first' })).status).toBe(422);
    expect((await sales1.get('/api/records/quote?review=unreviewed')).status).toBe(422);
    expect((await sales1.get('/api/records/account?review=bogus')).status).toBe(422);
    expect((await sales1.post('/api/records/account/00000000-0000-4000-8000-000000000000/review', { stage: 'first' })).status).toBe(404);
  });
});
