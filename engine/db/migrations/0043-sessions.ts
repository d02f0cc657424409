import { Migration } from '@mikro-orm/migrations';

export class Migration0043Sessions extends Migration {
  override name = '0043-sessions';

  override up(): void {
    // Bearer tokens revoked before they expire (logout); rows can go once expires_at has passed.
    this.addSql(`create table revoked_sessions (
      jti text primary key,
      username text not null,
      revoked_at timestamptz not null default now(),
      expires_at timestamptz not null)`);
  }
}
