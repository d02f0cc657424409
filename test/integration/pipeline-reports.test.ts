import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import type { HttpClient } from '../support/http.js';
import { customerAndQuote, readyForQuote } from '../support/opportunities.js';

/** The seeded data set: each deal's path through opportunity-sales, owner, amount, close date and stay lengths. */
const paths = [
  ['lead'], ['lead', 'qualified'], ['lead', 'qualified', 'needs-confirmed'], ['lead', 'qualified', 'needs-confirmed', 'quote'],
  ['lead', 'qualified', 'needs-confirmed', 'quote', 'negotiation'], ['lead', 'qualified', 'needs-confirmed', 'quote', 'negotiation', 'won'],
  ['lead', 'qualified', 'lost'], ['lead', 'qualified', 'needs-confirmed', 'quote', 'lost'], ['lead', 'qualified', 'needs-confirmed', 'qualified', 'needs-confirmed'],
  ['lead', 'won'],
];
const probability: Record<string, number> = { lead: 10, qualified: 20, 'needs-confirmed': 40, quote: 60, negotiation: 80, won: 100, lost: 0 };
const order = Object.keys(probability);
const reasons = ['price', 'competitor', 'timing'];
const deals = Array.from({ length: 30 }, (_, i) => ({
  i, path: paths[i % paths.length], owner: i % 3 === 0 ? 'sales2' : 'sales1', amount: 1000 * (i + 1),
  closeDate: `2027-0${1 + (i % 3)}-15`, lostReason: reasons[i % 3], days: paths[i % paths.length].map((_, k) => ((i * 7 + k * 3) % 10) + 1),
  id: '',
}));
const final = (d: (typeof deals)[number]) => d.path.at(-1)!;
const DAY = 86_400_000;
const T0 = Date.parse('2026-06-01T00:00:00Z');

let stack: Stack;
// the branch manager reaches the deals of both sales reps (starter-pack permissions: branch scope)
let manager: HttpClient;
beforeAll(async () => {
  stack = await startStack({ worker: false });
  manager = await stack.as('branchmgr');
  const refs = await customerAndQuote(manager);
  for (const deal of deals) {
    const created = await manager.post('/api/records/opportunity', { name: `Deal ${deal.i}`, ...readyForQuote(refs, deal.amount, deal.owner), closeDate: deal.closeDate });
    expect(created.status).toBe(201);
    deal.id = created.body.id;
    for (const to of deal.path.slice(1)) {
      const reason = to === 'lost' ? deal.lostReason : to === 'won' ? 'fit' : undefined;
      const moved = await manager.post(`/api/records/opportunity/${deal.id}/stage`, { to, ...(reason ? { reason } : {}) });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    }
    // Give the real stays known lengths: stay k lasts days[k] days from a per-deal start.
    const stays = await stack.orm.em.getConnection().execute<{ id: string }[]>('select id from stage_stays where record_id = ? order by seq', [deal.id]);
    let at = T0 + deal.i * DAY;
    for (const [k, stay] of stays.entries()) {
      const left = k < stays.length - 1 ? at + deal.days[k] * DAY : null;
      await stack.orm.em.getConnection().execute('update stage_stays set entered_at = ?, left_at = ? where id = ?', [new Date(at), left === null ? null : new Date(left), stay.id]);
      if (left !== null) at = left;
    }
  }
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const report = async (name: string, query = '') => {
  const res = await manager.get(`/api/reports/${name}?pipeline=opportunity-sales${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(Date.parse(res.body.generatedAt)).toBeGreaterThan(0);
  return res.body.rows as any[];
};
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const inStage = (stage: string, owner?: string) => deals.filter((d) => final(d) === stage && (!owner || d.owner === owner));

describe('board', () => {
  it('counts, sums and weights every column, and pages one column with its cursor', async () => {
    const res = await manager.get('/api/pipelines/opportunity-sales/board?limit=2');
    expect(res.status).toBe(200);
    expect(res.body.columns.map((c: { stage: string }) => c.stage)).toEqual(order);
    for (const column of res.body.columns) {
      const expected = inStage(column.stage);
      expect([column.stage, column.count]).toEqual([column.stage, expected.length]);
      expect(column.amount).toBeCloseTo(sum(expected.map((d) => d.amount)));
      expect(column.weightedAmount).toBeCloseTo(sum(expected.map((d) => d.amount * probability[column.stage] / 100)));
      expect(column.items.length).toBe(Math.min(2, expected.length));
      expect(column.nextCursor === null).toBe(expected.length <= 2);
    }
    expect(res.body.columns[1].label).toBe('Qualified');
    const lead = res.body.columns[0];
    const ids = lead.items.map((r: { id: string }) => r.id);
    let cursor = lead.nextCursor;
    while (cursor) {
      const page = await manager.get(`/api/pipelines/opportunity-sales/board?limit=2&stage=lead&cursor=${encodeURIComponent(cursor)}`);
      expect(page.body.columns).toHaveLength(1);
      ids.push(...page.body.columns[0].items.map((r: { id: string }) => r.id));
      cursor = page.body.columns[0].nextCursor;
    }
    const leads = inStage('lead').sort((a, b) => b.i - a.i);
    expect(ids).toEqual(leads.map((d) => d.id)); // newest stay first: the later the deal's start, the later it entered
  });

  it('filters with the records CEL filter, labels in a locale, and refuses bad input', async () => {
    const filter = encodeURIComponent('record.owner == "sales2"');
    const res = await manager.get(`/api/pipelines/opportunity-sales/board?filter=${filter}&locale=zh`);
    for (const column of res.body.columns) expect(column.count).toBe(inStage(column.stage, 'sales2').length);
    expect(res.body.columns[0].label).toBe('线索');
    expect((await manager.get('/api/pipelines/nope/board')).status).toBe(404);
    expect((await manager.get(`/api/pipelines/opportunity-sales/board?filter=${encodeURIComponent('record.nope == 1')}`)).status).toBe(422);
    expect((await manager.get('/api/pipelines/opportunity-sales/board?cursor=abc')).status).toBe(422);
    expect((await manager.get('/api/pipelines/opportunity-sales/board?stage=lead&cursor=abc')).status).toBe(422);
  });
});

describe('reports', () => {
  it('funnel: deals in each stage now, and how many ever reached it', async () => {
    const rows = await report('funnel');
    expect(rows.map((r) => r.stage)).toEqual(order);
    for (const row of rows) {
      const now = inStage(row.stage);
      expect(row).toMatchObject({ count: now.length, reached: deals.filter((d) => d.path.includes(row.stage)).length, probability: probability[row.stage] });
      expect(row.amount).toBeCloseTo(sum(now.map((d) => d.amount)));
    }
  });

  it('forecast: open amount x stage probability by close month and owner', async () => {
    const rows = await report('forecast');
    const expected = new Map<string, { count: number; amount: number; weightedAmount: number }>();
    for (const d of deals.filter((x) => !['won', 'lost'].includes(final(x)))) {
      const key = `${d.closeDate.slice(0, 7)}|${d.owner}`;
      const e = expected.get(key) ?? { count: 0, amount: 0, weightedAmount: 0 };
      expected.set(key, { count: e.count + 1, amount: e.amount + d.amount, weightedAmount: e.weightedAmount + d.amount * probability[final(d)] / 100 });
    }
    expect(rows.map((r) => `${r.month}|${r.owner}`)).toEqual([...expected.keys()].sort());
    for (const row of rows) {
      const e = expected.get(`${row.month}|${row.owner}`)!;
      expect(row.count).toBe(e.count);
      expect(row.amount).toBeCloseTo(e.amount);
      expect(row.weightedAmount).toBeCloseTo(e.weightedAmount);
    }
    expect((await report('forecast', '&since=2027-02-01&until=2027-03-01')).every((r) => r.month === '2027-02')).toBe(true);
  });

  it('conversion: moves from stage to stage and their share of the moves out of a stage', async () => {
    const rows = await report('conversion');
    const moves = new Map<string, number>();
    for (const d of deals) for (let k = 1; k < d.path.length; k++) moves.set(`${d.path[k - 1]}>${d.path[k]}`, (moves.get(`${d.path[k - 1]}>${d.path[k]}`) ?? 0) + 1);
    expect(rows.map((r) => `${r.from}>${r.to}`).sort()).toEqual([...moves.keys()].sort());
    for (const row of rows) {
      const out = sum([...moves].filter(([k]) => k.startsWith(`${row.from}>`)).map(([, v]) => v));
      expect(row.count).toBe(moves.get(`${row.from}>${row.to}`));
      expect(row.rate).toBeCloseTo(row.count / out);
    }
  });

  it('stage-duration: average and p90 days over the stays that ended', async () => {
    const rows = await report('stage-duration');
    const p90 = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      const pos = 0.9 * (s.length - 1);
      return s[Math.floor(pos)] + (s[Math.ceil(pos)] - s[Math.floor(pos)]) * (pos - Math.floor(pos));
    };
    expect(rows.map((r) => r.stage)).toEqual(order.slice(0, 5));
    for (const row of rows) {
      const lengths = deals.flatMap((d) => d.path.slice(0, -1).flatMap((stage, k) => (stage === row.stage ? [d.days[k]] : [])));
      expect(row.stays).toBe(lengths.length);
      if (!lengths.length) continue;
      expect(row.averageDays).toBeCloseTo(sum(lengths) / lengths.length);
      expect(row.p90Days).toBeCloseTo(p90(lengths));
    }
    expect((await report('stage-duration', '&since=2030-01-01')).every((r) => r.stays === 0)).toBe(true);
  });

  it('win-rate: won and lost deals per owner and overall', async () => {
    const rows = await report('win-rate');
    for (const owner of ['sales1', 'sales2']) {
      const won = inStage('won', owner);
      const lost = inStage('lost', owner).length;
      expect(rows.find((r) => r.owner === owner)).toMatchObject({ won: won.length, lost, winRate: won.length / (won.length + lost), wonAmount: sum(won.map((d) => d.amount)) });
    }
    expect(rows.at(-1)).toMatchObject({ owner: '*', won: inStage('won').length, lost: inStage('lost').length });
  });

  it('lost-reasons: lost deals by reason with their amount', async () => {
    const rows = await report('lost-reasons');
    const lost = inStage('lost');
    const expected = reasons.map((reason) => ({ reason, count: lost.filter((d) => d.lostReason === reason).length, amount: sum(lost.filter((d) => d.lostReason === reason).map((d) => d.amount)) }))
      .filter((r) => r.count).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
    expect(rows).toEqual(expected);
  });

  it('answers 422 for a bad date or filter and 404 for an unknown pipeline', async () => {
    expect((await manager.get('/api/reports/funnel?pipeline=opportunity-sales&since=yesterday')).status).toBe(422);
    expect((await manager.get('/api/reports/funnel?pipeline=nope')).status).toBe(404);
    expect((await manager.get('/api/reports/funnel')).status).toBe(422);
  });

  it('a soft-deleted deal leaves the board and the funnel, and comes back on restore', async () => {
    const deal = deals.find((d) => final(d) === 'quote')!;
    const quoteColumn = async () => (await manager.get('/api/pipelines/opportunity-sales/board?limit=1')).body.columns[3];
    const before = await quoteColumn();
    expect((await manager.delete(`/api/records/opportunity/${deal.id}`)).status).toBe(204);
    expect(await quoteColumn()).toMatchObject({ count: before.count - 1, amount: before.amount - deal.amount });
    expect((await report('funnel'))[0].reached).toBe(deals.length - 1);
    expect((await manager.post(`/api/records/opportunity/${deal.id}/restore`)).status).toBe(200);
    expect(await quoteColumn()).toMatchObject({ count: before.count, amount: before.amount });
  });

  it('keeps the board amount in step with an edited deal', async () => {
    const deal = deals.find((d) => final(d) === 'negotiation')!;
    const column = async () => (await manager.get('/api/pipelines/opportunity-sales/board?limit=1')).body.columns[4];
    const before = await column();
    expect((await manager.patch(`/api/records/opportunity/${deal.id}`, { amount: { amount: deal.amount + 500, currency: 'CNY' } })).status).toBe(200);
    expect((await column()).amount).toBeCloseTo(before.amount + 500);
    expect((await column()).weightedAmount).toBeCloseTo(before.weightedAmount + 500 * 0.8);
  });
});

describe('stage totals (migration 0044)', () => {
  it('the totals the triggers keep equal the stays aggregated, after moves, edits, deletes and concurrent writers', async () => {
    const refs = await customerAndQuote(manager);
    // concurrent creates and moves: each transaction adds to a slot of its own or waits for one
    await Promise.all(Array.from({ length: 12 }, async (_, k) => {
      const created = await manager.post('/api/records/opportunity', { name: `Concurrent ${k}`, ...readyForQuote(refs, 100 * (k + 1), 'sales1'), closeDate: '2027-01-15' });
      expect(created.status).toBe(201);
      for (const to of ['qualified', 'needs-confirmed', 'qualified'].slice(0, 1 + (k % 3))) {
        expect((await manager.post(`/api/records/opportunity/${created.body.id}/stage`, { to })).status).toBe(200);
      }
    }));
    const sql = stack.orm.em.getConnection();
    const kept = await sql.execute(`select pipeline, stage, sum(open_count)::int as open, sum(open_amount)::float8 as amount, sum(reached)::int as reached
      from stage_totals group by 1, 2 having sum(open_count) <> 0 or sum(reached) <> 0 order by 1, 2`);
    const aggregated = await sql.execute(`select pipeline, stage, count(*) filter (where left_at is null and not record_deleted)::int as open,
        coalesce(sum(amount) filter (where left_at is null and not record_deleted), 0)::float8 as amount,
        count(*) filter (where first_entry and not record_deleted)::int as reached
      from stage_stays group by 1, 2 having count(*) filter (where left_at is null and not record_deleted) <> 0 or count(*) filter (where first_entry and not record_deleted) <> 0 order by 1, 2`);
    expect(kept).toEqual(aggregated);
    expect(kept.length).toBeGreaterThan(3);
    // the unfiltered board (kept totals) and a filter selecting every deal (aggregated over the stays) agree
    const all = encodeURIComponent('record.name != ""');
    const admin = await stack.as('admin');
    const [plain, filtered] = await Promise.all([admin.get('/api/pipelines/opportunity-sales/board?limit=1'), admin.get(`/api/pipelines/opportunity-sales/board?limit=1&filter=${all}`)]);
    const totals = (body: { columns: { stage: string; count: number; amount: number; weightedAmount: number }[] }) => body.columns.map((c) => [c.stage, c.count, c.amount, c.weightedAmount]);
    expect(totals(plain.body)).toEqual(totals(filtered.body));
    // a scoped caller is not answered from the whole table's totals: sales2 sees only the deals it owns
    const ownBoard = (await (await stack.as('sales2')).get('/api/pipelines/opportunity-sales/board?limit=1')).body;
    const ownOpen = await sql.execute(`select count(*)::int as n from stage_stays s join records r on r.id = s.record_id
      where s.pipeline = 'opportunity-sales' and s.left_at is null and not s.record_deleted and r.data->>'owner' = 'sales2'`);
    expect(ownBoard.columns.reduce((n: number, c: { count: number }) => n + c.count, 0)).toBe(ownOpen[0].n);
    expect(ownOpen[0].n).toBeLessThan(aggregated.reduce((n: number, r) => n + Number(r.open), 0));
  });
});
