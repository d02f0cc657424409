import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { eventually } from '../support/http.js';
import { publishRecordsTestBundle } from '../support/records-bundle.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
  await publishRecordsTestBundle(stack);
});
afterAll(async () => {
  await stack?.stop();
});

async function count(entity: string): Promise<number> {
  const [row] = await stack.orm.em.fork().getConnection().execute(`select count(*)::int as n from records where entity = ? and deleted_at is null`, [entity]);
  return row.n;
}

async function postCsv(username: string, path: string, csv: string) {
  const client = await stack.as(username);
  return fetch(stack.url + path, {
    method: 'POST', body: csv, headers: { 'content-type': 'text/csv', authorization: `Bearer ${client.token}` },
  }).then(async (r) => ({ status: r.status, body: await r.json() as any }));
}

describe('bulk import', () => {
  it('imports all rows of a JSON array through the full write checks, or none when one fails', async () => {
    const sales1 = await stack.as('sales1');
    const before = await count('account');
    const bad = await sales1.post('/api/records/account/import', [
      { name: 'I1', code: 'IMP-1', industry: 'energy' },
      { name: 'I2', code: 'IMP-1' },
      { name: 'I3', code: 'IMP-3', industry: 'mining' },
      'not an object',
    ]);
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ imported: 0, failed: 3 });
    expect(bad.body.errors).toEqual([
      { row: 2, path: '/code', message: expect.stringContaining('already used') },
      { row: 3, path: '/industry', message: '"mining" is not a value of picklist "industry"' },
      { row: 4, path: '', message: 'each row must be an object of field values' },
    ]);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(['/1/code', '/2/industry', '/3']);
    expect(await count('account')).toBe(before);

    const partial = await sales1.post('/api/records/account/import?mode=valid-only', [
      { name: 'V1', code: 'VAL-1', seats: 2, seatPrice: 10 }, { name: 'V2' }, { name: 'V3', code: 'VAL-3' },
    ]);
    expect(partial.status).toBe(200);
    expect(partial.body).toEqual({ imported: 2, failed: 1, errors: [{ row: 2, path: '/code', message: expect.any(String) }] });
    expect(await count('account')).toBe(before + 2);
    const v1 = (await sales1.get(`/api/records/account?filter=${encodeURIComponent('record.code == "VAL-1"')}`)).body.items[0];
    expect(v1.data).toMatchObject({ yearly: 240, number: expect.stringMatching(/^A-\d{4}-\d{4}$/) });
    expect(v1.review.state).toBe('unreviewed');
  });

  it('imports CSV with a header row, converting cells by field type', async () => {
    const csv = 'name,code,seats,seatPrice,sectors,credit.amount,credit.currency\r\n"Smith, Jones",CSV-1,3,1.5,"energy;retail",1000,EUR\r\nBad,CSV-2,many,,,,\r\n';
    const res = await postCsv('sales1', '/api/records/account/import?mode=valid-only', csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ imported: 1, failed: 1, errors: [{ row: 2, path: '/seats' }] });
    const sales1 = await stack.as('sales1');
    const row = (await sales1.get(`/api/records/account?filter=${encodeURIComponent('record.code == "CSV-1"')}`)).body.items[0];
    expect(row.data).toMatchObject({ name: 'Smith, Jones', seats: 3, seatPrice: 1.5, sectors: ['energy', 'retail'], credit: { amount: 1000, currency: 'EUR' }, yearly: 54 });
    const broken = await postCsv('sales1', '/api/records/account/import', 'name,code\n"unterminated,X\n');
    expect(broken.status).toBe(422);
    expect((await sales1.post('/api/records/account/import', { not: 'an array' })).status).toBe(422);
    expect((await sales1.post('/api/records/nosuch/import', [])).status).toBe(404);
  });

  it('runs big imports as a job with progress, visible to its owner only', async () => {
    const sales1 = await stack.as('sales1');
    const rows = Array.from({ length: 230 }, (_, i) => ({ name: `Big ${i}`, code: `BIG-${i}`, seats: i }));
    const started = await sales1.post('/api/records/account/import', rows);
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ total: 230, status: 'running' });
    const url = `/api/records/account/import/${started.body.job}`;
    expect((await (await stack.as('sales2')).get(url)).status).toBe(404);
    const done = await eventually(async () => {
      const res = await sales1.get(url);
      return res.body.status === 'running' ? null : res.body;
    }, 60_000, 200);
    expect(done).toMatchObject({ total: 230, processed: 230, imported: 230, failed: 0, status: 'completed' });
    expect((await sales1.get(`/api/records/account?filter=${encodeURIComponent('record.code.startsWith("BIG-")')}&total=true&limit=1`)).body.total).toBe(230);
    expect((await sales1.get('/api/records/account/import/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe('export', () => {
  it('streams CSV and JSON of the filtered records across pages', async () => {
    const sales1 = await stack.as('sales1');
    const filter = encodeURIComponent('record.code.startsWith("BIG-1")');
    const expected = (await sales1.get(`/api/records/account?filter=${filter}&total=true&limit=1`)).body.total;
    expect(expected).toBe(1 + 10 + 100);
    const csv = await fetch(`${stack.url}/api/records/account/export?format=csv&sort=seats&filter=${filter}`, { headers: { authorization: `Bearer ${sales1.token}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('id,version,createdAt,updatedAt,createdBy,updatedBy,review.state,code,credit,industry,name,number,owner,seatPrice,seats,sectors,yearly');
    expect(lines).toHaveLength(expected + 1);
    expect(lines[1]).toMatch(/,unreviewed,BIG-1,,,Big 1,A-\d{4}-\d{4},,,1,,0$/);
    const json = await sales1.get(`/api/records/account/export?format=json&filter=${filter}`);
    expect(json.status).toBe(200);
    expect(json.body).toHaveLength(expected);
    expect((await sales1.get(`/api/records/account/export?filter=${encodeURIComponent('record.nope == 1')}`)).status).toBe(422);
    expect((await sales1.get('/api/records/account/export?format=xml')).status).toBe(422);
  });
});
