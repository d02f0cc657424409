import { Migration } from '@mikro-orm/migrations';

export class Migration0004Approvals extends Migration {
  override name = '0004-approvals';

  override up(): void {
    this.addSql(`create table delegations (
      id uuid primary key,
      from_user text not null references users(username),
      to_user text not null references users(username),
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      reason text null,
      created_by text not null,
      created_at timestamptz not null default now(),
      revoked_at timestamptz null,
      check (ends_at > starts_at),
      check (from_user <> to_user))`);
    this.addSql(`create index delegations_active_idx on delegations (to_user, from_user) where revoked_at is null`);
    this.addSql(`alter table tasks add column on_behalf_of text null`);
    this.addSql(`alter table tasks add column reassigned_from text null`);
    this.addSql(`create index tasks_process_idx on tasks (process_id, created_at)`);
  }
}
