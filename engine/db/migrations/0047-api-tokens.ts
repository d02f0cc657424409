import { Migration } from '@mikro-orm/migrations';

export class Migration0047ApiTokens extends Migration {
  override name = '0047-api-tokens';

  override up(): void {
    // Integration tokens: only the sha256 of the secret is kept; the secret is shown once, at creation.
    this.addSql(`create table api_tokens (
      id uuid primary key,
      username text not null references users (username),
      name text not null,
      scopes jsonb not null,
      token_hash text not null unique,
      created_at timestamptz not null default now(),
      expires_at timestamptz null,
      revoked_at timestamptz null,
      last_used_at timestamptz null)`);
    this.addSql('create index api_tokens_user_idx on api_tokens (username)');
  }
}
