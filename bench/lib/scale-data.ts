import type pg from 'pg';

/** The starter pack's sales pipeline stages, in order (won and lost follow negotiation). */
export const opportunityStages = ['lead', 'qualified', 'needs-confirmed', 'quote', 'negotiation', 'won', 'lost'];

/** Inserts `rows` quote records in one statement: statuses, totals and customers spread evenly. */
export async function loadQuotes(db: pg.Client, configVersion: number, rows: number): Promise<void> {
  await db.query(`insert into records (id, entity, data, version, config_version, created_by, updated_by, created_at, updated_at)
    select gen_random_uuid(), 'quote', jsonb_build_object(
        'customerName', 'Customer ' || (g % 50000),
        'lines', jsonb_build_array(jsonb_build_object('product', 'Pump P-' || (g % 97), 'quantity', 1 + g % 10, 'unitPrice', (g * 31) % 5000)),
        'discountPercent', g % 40,
        'total', ((g::bigint * 7919) % 2000000) / 10.0,
        'status', (array['draft','pending_approval','approved','rejected'])[1 + (g * 13) % 4]),
      1, $1, 'sales1', 'sales1', now() - make_interval(secs => g), now() - make_interval(secs => g)
    from generate_series(1, $2::int) g`, [configVersion, rows]);
}

/**
 * Inserts `rows` opportunities of `pipeline` and their stage history: deal g sits in stage g mod 7 and has passed
 * through the open stages before it (one stay per stage reached), owners alternating sales1 / sales2.
 */
export async function loadOpportunities(db: pg.Client, configVersion: number, rows: number, pipeline: string): Promise<void> {
  await db.query(`insert into records (id, entity, data, version, config_version, created_by, updated_by, created_at, updated_at)
    select ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, 'opportunity', jsonb_build_object(
        'name', 'Deal ' || g, 'number', 'O-2026-' || lpad(g::text, 6, '0'), 'salesMethod', 'standard',
        'stage', ($3::text[])[1 + g % 7], 'owner', (array['sales1','sales2'])[1 + g % 2],
        'amount', jsonb_build_object('amount', (g * 7919) % 2000000, 'currency', 'CNY'),
        'closeDate', to_char(date '2027-01-01' + (g % 365), 'YYYY-MM-DD'),
        'lostReason', case when g % 7 = 6 then (array['price','competitor','timing'])[1 + g % 3] end),
      1, $1, 'sales1', 'sales1', now() - make_interval(secs => g), now() - make_interval(secs => g)
    from generate_series(1, $2::int) g`, [configVersion, rows, opportunityStages]);
  await db.query(`insert into stage_stays (id, entity, record_id, pipeline, stage, from_stage, entered_at, entered_by, left_at, left_by, amount)
    select gen_random_uuid(), 'opportunity', ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, $2, ($3::text[])[i],
      case when i > 1 then ($3::text[])[i - 1] end, now() - make_interval(days => 40 - i * 5, secs => g), 'sales1',
      case when i < last then now() - make_interval(days => 40 - (i + 1) * 5, secs => g) end, case when i < last then 'sales1' end,
      (g * 7919) % 2000000
    from generate_series(1, $1::int) g,
      lateral (select case when g % 7 >= 5 then 5 else g % 7 + 1 end as reached, g % 7 + 1 as last) r,
      lateral (select generate_series(1, r.reached) as i union select r.last where r.last > 5) s`, [rows, pipeline, opportunityStages]);
}
