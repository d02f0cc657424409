import { Migration } from '@mikro-orm/migrations';

export class Migration0001Initial extends Migration {
  override name = '0001-initial';

  override up(): void {
    this.addSql(`create table users (
      username text primary key,
      display_name text not null,
      roles jsonb not null default '[]',
      manager text null references users(username) deferrable initially deferred,
      password_hash text not null,
      attributes jsonb not null default '{}',
      active boolean not null default true,
      created_at timestamptz not null default now())`);
    this.addSql(`create table config_versions (
      version integer primary key,
      hash text not null,
      author text not null,
      created_at timestamptz not null default now(),
      bundle jsonb not null)`);
    this.addSql(`create table records (
      id uuid primary key,
      entity text not null,
      data jsonb not null,
      version integer not null default 1,
      config_version integer not null references config_versions(version),
      created_by text not null,
      updated_by text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz null)`);
    this.addSql(`create index records_entity_created_idx on records (entity, created_at, id) where deleted_at is null`);
    this.addSql(`create table audit_entries (
      id uuid primary key,
      entity text not null,
      record_id uuid not null,
      action text not null,
      actor text not null,
      at timestamptz not null default now(),
      changes jsonb not null default '{}',
      comment text null,
      context jsonb not null default '{}',
      idempotency_key text null unique)`);
    this.addSql(`create index audit_entries_record_idx on audit_entries (record_id, at)`);
    this.addSql(`create table tasks (
      id text primary key,
      kind text not null,
      title text not null,
      workflow_id text not null,
      process_id text not null,
      process text not null,
      entity text not null,
      record_id uuid not null,
      step_id text not null,
      requester text not null,
      assignee text null,
      candidates jsonb not null default '[]',
      status text not null,
      outcome text null,
      decided_by text null,
      comment text null,
      routing jsonb not null default '[]',
      due_at timestamptz null,
      created_at timestamptz not null default now(),
      completed_at timestamptz null)`);
    this.addSql(`create index tasks_open_idx on tasks using gin (candidates) where status in ('open', 'claimed')`);
    this.addSql(`create index tasks_assignee_idx on tasks (assignee) where status in ('open', 'claimed')`);
    this.addSql(`create table process_instances (
      id text primary key,
      process text not null,
      entity text not null,
      record_id uuid not null,
      status text not null,
      config_version integer not null,
      config_hash text not null,
      started_by text not null,
      started_at timestamptz not null default now(),
      ended_at timestamptz null,
      timeline jsonb not null default '[]')`);
  }
}
