import { Migration } from '@mikro-orm/migrations';

export class Migration0006ProcessInterpreter extends Migration {
  override name = '0006-process-interpreter';

  override up(): void {
    this.addSql(`alter table process_instances
      add column outcome text,
      add column vars jsonb not null default '{}',
      add column error jsonb,
      add column parent_id text`);
    this.addSql(`create index process_instances_record on process_instances (entity, record_id, status)`);
    this.addSql(`alter table tasks
      add column form jsonb,
      add column outcomes jsonb,
      add column data jsonb`);
    this.addSql(`create index tasks_workflow on tasks (workflow_id, status)`);
  }
}
