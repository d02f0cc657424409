import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { quoteData } from '../support/quotes.js';
import { buildListQuery } from '../../engine/db/record-list.js';
import { ensureIndexes, indexPlan } from '../../engine/db/record-indexes.js';
import { runSql } from '../../engine/db/record-sql.js';
import { ConfigStore } from '../../engine/db/config-store.js';
import { entityContext } from '../../engine/db/record-write.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack?.stop();
});

type Page = { items: { id: string; data: Record<string, any> }[]; nextCursor: string | null; total?: number };

async function all(path: string, limit = 4): Promise<string[]> {
  const client = await stack.as('sales1');
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const res: { status: number; body: Page } = await client.get(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    ids.push(...res.body.items.map((r) => r.id));
    cursor = res.body.nextCursor;
    if (!cursor) break;
  }
  return ids;
}

describe('list: filter, sort, keyset paging', () => {
  it('filters with CEL, sorts by a data field with an id tiebreak and pages stably', async () => {
    const sales1 = await stack.as('sales1');
    const totals = [500, 1500, 1500, 2500, 900, 3000, 1500, 4000, 1200];
    for (const [i, total] of totals.entries()) await sales1.post('/api/records/quote', quoteData(i % 3, total, `List ${i}`));
    const noTotal = await sales1.post('/api/records/quote', { customerName: 'List none', lines: [{ product: 'p', quantity: 1, unitPrice: 1 }] });
    const filter = encodeURIComponent('record.customerName.startsWith("List ") && (record.total > 1000.0 || !has(record.total))');
    const first = await sales1.get(`/api/records/quote?filter=${filter}&sort=-total&limit=3&total=true`);
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(8);
    expect(first.body.items[0].id).toBe(noTotal.body.id);
    expect(first.body.items.slice(1).map((r: any) => r.data.total)).toEqual([4000, 3000]);
    const desc = await all(`/api/records/quote?filter=${filter}&sort=-total`, 2);
    const got = await Promise.all(desc.map(async (id) => (await sales1.get(`/api/records/quote/${id}`)).body.data.total ?? null));
    expect(got).toEqual([null, 4000, 3000, 2500, 1500, 1500, 1500, 1200]);
    const ties = desc.slice(4, 7);
    expect([...ties].sort().reverse()).toEqual(ties);
    const asc = await all(`/api/records/quote?filter=${filter}&sort=total`, 3);
    expect(asc).toEqual([...desc].reverse());
  });

  it('keeps paging stable when rows are inserted between pages', async () => {
    const sales1 = await stack.as('sales1');
    for (let i = 0; i < 6; i++) await sales1.post('/api/records/quote', quoteData(1, 100 + i, `Stable ${i}`));
    const filter = encodeURIComponent('record.customerName.startsWith("Stable ")');
    const page1 = await sales1.get(`/api/records/quote?filter=${filter}&sort=customerName&limit=3`);
    await sales1.post('/api/records/quote', quoteData(1, 1, 'Stable 0a'));
    await sales1.post('/api/records/quote', quoteData(1, 1, 'Stable 9'));
    const page2 = await sales1.get(`/api/records/quote?filter=${filter}&sort=customerName&limit=10&cursor=${page1.body.nextCursor}`);
    const names = [...page1.body.items, ...page2.body.items].map((r: any) => r.data.customerName);
    expect(names).toEqual(['Stable 0', 'Stable 1', 'Stable 2', 'Stable 3', 'Stable 4', 'Stable 5', 'Stable 9']);
  });

  it('answers 422 at /query/filter naming an unknown field, and for type mismatches, bad sorts and foreign cursors', async () => {
    const sales1 = await stack.as('sales1');
    const unknown = await sales1.get(`/api/records/quote?filter=${encodeURIComponent('record.colour == "red"')}`);
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details).toEqual([{ path: '/query/filter', message: 'unknown field "colour"' }]);
    const mismatch = await sales1.get(`/api/records/quote?filter=${encodeURIComponent('record.total == "1000"')}`);
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.error.details[0].message).toContain('record.total is a number');
    const sort = await sales1.get('/api/records/quote?sort=-colour');
    expect(sort.status).toBe(422);
    expect(sort.body.error.details[0].path).toBe('/query/sort');
    const page = await sales1.get('/api/records/quote?sort=-total&limit=1');
    const foreign = await sales1.get(`/api/records/quote?sort=total&limit=1&cursor=${page.body.nextCursor}`);
    expect(foreign.status).toBe(422);
    expect(foreign.body.error.details[0].path).toBe('/query/cursor');
  });

  it('never answers 5xx to hostile filters, sorts and cursors', async () => {
    const sales1 = await stack.as('sales1');
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const id = '00000000-0000-4000-8000-000000000000';
    const queries = [
      ...[`record.total > 1e400`, `record.total > -9223372036854775809`, `record.customerName == "\\u0000"`, `record.total > 18446744073709551615u`,
        `record.customerName.contains("%_\\\\")`, `"a" in record.lines`, `record["total"] > 1`, `record.lines.exists(l, l.quantity > 1)`,
        `'); drop table records; --`, `${'('.repeat(500)}true${')'.repeat(500)}`, `${'!'.repeat(3000)}true`, `record.`, `{}`, `[1,2] == [1]`,
        `record.total == 1 ? true : false`, `record.total > dyn(1)`, `record.total > 1 && "x"`, `has(record)`, `has(record.lines.product)`,
        `record.discountPercent in [1, "x"]`, `record.customerName in record.customerName`, `int(record.total) > 1`, `b"abc" == record.customerName`,
      ].map((f) => `filter=${encodeURIComponent(f)}`),
      ...['-', '--total', 'lines', 'total,id', `${'x'.repeat(300)}`, 'customerName.length', '__proto__', 'constructor'].map((s) => `sort=${encodeURIComponent(s)}`),
      ...[b64({ s: 'createdAt', v: 'yesterday', id }), b64({ s: 'createdAt', v: '2026-99-99 99:99:99', id }), b64({ s: 'createdAt', v: '2026-02-30 10:00:00+00', id }), b64({ s: '-total', v: '1e999999', id }),
        b64({ s: '-total', v: 'NaN', id }), b64({ s: 'createdAt', v: null, id }), b64({ s: 'createdAt', v: '2026-01-01 00:00:00+00', id: 'x' }),
        b64([1]), b64(null), '%%%', 'a'.repeat(1999)].map((c) => `sort=${c.includes('total') ? '-total' : 'createdAt'}&cursor=${encodeURIComponent(c)}`),
      'limit=-1', 'limit=abc', 'limit=100000', 'total=maybe', 'review=unreviewed',
    ];
    const nul = await sales1.post('/api/records/quote', { customerName: 'a\u0000b', lines: [{ product: '\u0000', quantity: 1, unitPrice: 1 }] });
    expect(nul.status).toBe(422);
    expect(nul.body.error.details.map((d: { path: string }) => d.path)).toEqual(['/customerName', '/lines/0/product']);
    for (const query of queries) {
      const res = await sales1.get(`/api/records/quote?${query}`);
      expect(res.status, query).toBeLessThan(500);
      expect([200, 400, 404, 422], query).toContain(res.status);
    }
  });
});

describe('declared indexes', () => {
  it('creates expression indexes idempotently and the bench query uses them', async () => {
    const em = stack.orm.em.fork();
    const config = await new ConfigStore(em).current();
    const plans = indexPlan(config.bundle).filter((p) => p.entity === 'quote');
    expect(plans.map((p) => p.field)).toEqual(['status', 'total']);
    const again = await ensureIndexes(em, config);
    expect(again.created).toEqual([]);
    expect(again.existing).toEqual(expect.arrayContaining(plans.map((p) => p.name)));
    await runSql(em, `insert into records (id, entity, data, version, config_version, created_by, updated_by, created_at, updated_at)
      select gen_random_uuid(), 'quote', jsonb_build_object('customerName', 'Bulk ' || g, 'total', (g * 7919) % 200000,
        'status', (array['draft','pending_approval','approved','rejected'])[1 + g % 4], 'lines', '[]'::jsonb),
        1, $1, 'sales1', 'sales1', now(), now() from generate_series(1, 30000) g`, [config.version]);
    await runSql(em, 'analyze records');
    const ctx = entityContext(config, 'quote');
    const target = { entity: 'quote', catalog: ctx.catalog, reviewRequired: false };
    const query = buildListQuery(target, { filter: 'record.status == "approved" && record.total > 1000.0', sort: '-total', limit: 50 });
    expect(query.sql).toBe(`select id, entity, data, version, to_json(created_at)#>>'{}' as created_at, to_json(updated_at)#>>'{}' as updated_at, `
      + `created_by, updated_by, review, (flowcrm_num(data->'total'))::text as sort_key from records where entity = $1 and deleted_at is null `
      + `and ((data->>'status') = $2 and flowcrm_num(data->'total') > $3::numeric) order by flowcrm_num(data->'total') desc, id desc limit $4`);
    expect(query.params).toEqual(['quote', 'approved', '1000', 51]);
    const plan = JSON.stringify(await runSql(em, `explain (format json) ${query.sql}`, query.params));
    const used = plans.filter((p) => plan.includes(p.name)).map((p) => p.field);
    expect(used.length, plan).toBeGreaterThan(0);
    const rows = await runSql<{ id: string }>(em, query.sql, query.params);
    expect(rows).toHaveLength(51);
  });
});
