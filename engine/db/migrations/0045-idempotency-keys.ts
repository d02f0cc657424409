import { Migration } from '@mikro-orm/migrations';

export class Migration0045IdempotencyKeys extends Migration {
  override name = '0045-idempotency-keys';

  override up(): void {
    // One row per (caller, Idempotency-Key): claimed while the first request runs (a lease its API renews), then the
    // first answer, replayed to every retry with the same request hash.
    this.addSql(`create table idempotency_keys (
      owner text not null,
      key text not null,
      method text not null,
      path text not null,
      request_hash text not null,
      -- the claim of the request running now; a retry takes over a claim whose lease ran out (its API died)
      claim uuid null,
      lease_until timestamptz null,
      status integer null,
      headers jsonb null,
      body text null,
      created_at timestamptz not null default now(),
      completed_at timestamptz null,
      primary key (owner, key))`);
    this.addSql(`create index idempotency_keys_created_idx on idempotency_keys (created_at)`);
  }
}
