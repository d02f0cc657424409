import { Migration } from '@mikro-orm/migrations';

const SLOTS = 16;

/**
 * The change one statement on `stage_stays` makes to the per-stage totals, from its transition tables: each stay
 * counts as open (with its amount) while `left_at is null and not record_deleted`, and as reached while
 * `first_entry and not record_deleted`; old rows count negatively.
 */
function contributions(table: string, sign: '' | '-'): string {
  return `select pipeline, stage,
      ${sign}(left_at is null and not record_deleted)::int as open_count,
      ${sign}coalesce(case when left_at is null and not record_deleted then amount end, 0) as open_amount,
      ${sign}(first_entry and not record_deleted)::int as reached
    from ${table}`;
}

function applyFunction(name: string, tables: string[]): string {
  const rows = tables.map((t) => contributions(t, t === 'old_rows' ? '-' : '')).join('\n    union all ');
  return `create function ${name}() returns trigger language plpgsql as $$
    begin
      insert into stage_totals as t (pipeline, stage, slot, open_count, open_amount, reached)
        select pipeline, stage, flowcrm_stage_totals_slot(), sum(open_count), sum(open_amount), sum(reached)
        from (${rows}) d
        group by pipeline, stage
        having sum(open_count) <> 0 or sum(open_amount) <> 0 or sum(reached) <> 0
      on conflict (pipeline, stage, slot) do update set open_count = t.open_count + excluded.open_count,
        open_amount = t.open_amount + excluded.open_amount, reached = t.reached + excluded.reached;
      return null;
    end $$`;
}

/**
 * Per (pipeline, stage) totals of the stage history, kept by statement triggers on `stage_stays` in the transaction
 * of every move, amount change and soft delete, whatever path wrote it: the board's unfiltered column totals and the
 * unfiltered funnel read a few rows instead of aggregating every stay (docs/performance.md, "Pipeline board and
 * funnel"). Reports with a filter or a period still aggregate the stays.
 *
 * Each stage has SLOTS rows whose sums are the totals. A transaction adds its changes to one slot it holds by a
 * transaction-level advisory lock, taken without waiting from the first free slot, so concurrent moves in one stage
 * do not queue on one row and cannot deadlock on these rows; only when all slots are held does a writer wait.
 */
export class Migration0044StageTotals extends Migration {
  override name = '0044-stage-totals';

  override up(): void {
    this.addSql(`create table stage_totals (
      pipeline text not null,
      stage text not null,
      slot smallint not null,
      open_count bigint not null,
      open_amount numeric not null,
      reached bigint not null,
      primary key (pipeline, stage, slot))`);

    this.addSql(`create function flowcrm_stage_totals_slot() returns smallint language plpgsql as $$
      declare
        held text := current_setting('flowcrm.stage_totals_slot', true);
        lock_class constant int := hashtext('flowcrm.stage_totals');
      begin
        if held is not null and held <> '' then return held::smallint; end if;
        for slot in 0..${SLOTS - 1} loop
          if pg_try_advisory_xact_lock(lock_class, slot) then
            perform set_config('flowcrm.stage_totals_slot', slot::text, true);
            return slot;
          end if;
        end loop;
        perform pg_advisory_xact_lock(lock_class, pg_backend_pid() % ${SLOTS});
        perform set_config('flowcrm.stage_totals_slot', (pg_backend_pid() % ${SLOTS})::text, true);
        return pg_backend_pid() % ${SLOTS};
      end $$`);

    this.addSql(applyFunction('flowcrm_stage_totals_insert', ['new_rows']));
    this.addSql(applyFunction('flowcrm_stage_totals_update', ['new_rows', 'old_rows']));
    this.addSql(applyFunction('flowcrm_stage_totals_delete', ['old_rows']));
    this.addSql(`create trigger stage_totals_insert after insert on stage_stays referencing new table as new_rows
      for each statement execute function flowcrm_stage_totals_insert()`);
    this.addSql(`create trigger stage_totals_update after update on stage_stays referencing old table as old_rows new table as new_rows
      for each statement execute function flowcrm_stage_totals_update()`);
    this.addSql(`create trigger stage_totals_delete after delete on stage_stays referencing old table as old_rows
      for each statement execute function flowcrm_stage_totals_delete()`);
    // TRUNCATE fires no row transition tables: it empties the totals with the stays.
    this.addSql(`create function flowcrm_stage_totals_truncate() returns trigger language plpgsql as $$
      begin delete from stage_totals; return null; end $$`);
    this.addSql(`create trigger stage_totals_truncate after truncate on stage_stays for each statement execute function flowcrm_stage_totals_truncate()`);

    this.addSql(`insert into stage_totals (pipeline, stage, slot, open_count, open_amount, reached)
      select pipeline, stage, 0, sum(open_count), sum(open_amount), sum(reached) from (${contributions('stage_stays', '')}) d group by pipeline, stage`);
  }
}
