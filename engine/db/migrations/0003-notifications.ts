import { Migration } from '@mikro-orm/migrations';

export class Migration0003Notifications extends Migration {
  override name = '0003-notifications';

  override up(): void {
    this.addSql(`create table notifications (
      id uuid primary key,
      recipient text not null references users(username),
      kind text not null,
      title text not null,
      body text not null default '',
      link jsonb null,
      idempotency_key text not null unique,
      created_at timestamptz not null default now(),
      read_at timestamptz null,
      email_to text null,
      email_sent_at timestamptz null,
      email_error text null)`);
    this.addSql(`create index notifications_recipient_idx on notifications (recipient, created_at desc, id desc)`);
    this.addSql(`create index notifications_unread_idx on notifications (recipient) where read_at is null`);
    this.addSql(`create table webhook_subscriptions (
      id uuid primary key,
      url text not null,
      events jsonb not null,
      secret text not null,
      description text null,
      active boolean not null default true,
      created_by text not null,
      created_at timestamptz not null default now(),
      deleted_at timestamptz null)`);
    this.addSql(`create index webhook_subscriptions_active_idx on webhook_subscriptions using gin (events) where active`);
    this.addSql(`create table webhook_deliveries (
      id uuid primary key,
      subscription_id uuid not null references webhook_subscriptions(id),
      event text not null,
      idempotency_key text not null,
      payload jsonb not null,
      status text not null default 'pending',
      attempts integer not null default 0,
      last_status_code integer null,
      last_error text null,
      created_at timestamptz not null default now(),
      delivered_at timestamptz null,
      unique (subscription_id, idempotency_key))`);
  }
}
