import { Migration } from '@mikro-orm/migrations';

export class Migration0005PendingApprovals extends Migration {
  override name = '0005-pending-approvals';

  override up(): void {
    this.addSql(`create table pending_approvals (
      record_id uuid not null,
      workflow_id text not null,
      locked_fields jsonb not null default '[]',
      on_record_change text not null default 'continue',
      created_at timestamptz not null default now(),
      primary key (record_id, workflow_id))`);
  }
}
