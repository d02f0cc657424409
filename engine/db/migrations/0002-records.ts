import { Migration } from '@mikro-orm/migrations';

export class Migration0002Records extends Migration {
  override name = '0002-records';

  override up(): void {
    this.addSql(`alter table records add column review jsonb null`);
    this.addSql(`create table record_counters (
      entity text not null,
      scope text not null,
      value bigint not null,
      primary key (entity, scope))`);
    // Numbers in jsonb as numeric, NULL for anything else: list filters, sorts and declared indexes share it.
    this.addSql(`create or replace function flowcrm_num(v jsonb) returns numeric
      language sql immutable parallel safe
      as 'select case when jsonb_typeof(v) = ''number'' then v::numeric end'`);
    this.addSql(`create index records_entity_updated_idx on records (entity, updated_at, id) where deleted_at is null`);
  }
}
