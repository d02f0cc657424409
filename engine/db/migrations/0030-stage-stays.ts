import { Migration } from '@mikro-orm/migrations';

export class Migration0030StageStays extends Migration {
  override name = '0030-stage-stays';

  override up(): void {
    // One row per stay of a record in a pipeline stage; the open stay (left_at null) is the record's current one.
    this.addSql(`create table stage_stays (
      id uuid primary key,
      seq bigint generated always as identity,
      entity text not null,
      record_id uuid not null,
      pipeline text not null,
      stage text not null,
      from_stage text null,
      entered_at timestamptz not null,
      entered_by text not null,
      left_at timestamptz null,
      left_by text null,
      reason text null,
      -- false when the record had been in this stage before (a move back): the funnel counts first entries
      first_entry boolean not null default true,
      -- the pipeline's amount of the record while the stay is open, as it was when the stay ended afterwards
      amount numeric null,
      -- the record is soft-deleted: its stays leave the board and the reports
      record_deleted boolean not null default false)`);
    this.addSql(`create unique index stage_stays_open_idx on stage_stays (record_id) where left_at is null`);
    this.addSql(`create index stage_stays_record_idx on stage_stays (record_id, seq)`);
    // The board pages and sums the open stays of one pipeline per stage without reading the records.
    this.addSql(`create index stage_stays_board_idx on stage_stays (pipeline, stage, entered_at, record_id) include (amount)
      where left_at is null and not record_deleted`);
    // The funnel counts first entries per stage; the other reports read the stays of one pipeline by entry time.
    this.addSql(`create index stage_stays_reached_idx on stage_stays (pipeline, stage, entered_at) where first_entry and not record_deleted`);
    this.addSql(`create index stage_stays_entered_idx on stage_stays (pipeline, entered_at)`);
  }
}
