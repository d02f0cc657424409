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
      reason text null)`);
    this.addSql(`create unique index stage_stays_open_idx on stage_stays (record_id) where left_at is null`);
    this.addSql(`create index stage_stays_record_idx on stage_stays (record_id, seq)`);
    // The board and the funnel count the open stays of one pipeline per stage.
    this.addSql(`create index stage_stays_board_idx on stage_stays (pipeline, stage, entered_at, record_id) where left_at is null`);
    this.addSql(`create index stage_stays_entered_idx on stage_stays (pipeline, entered_at)`);
  }
}
