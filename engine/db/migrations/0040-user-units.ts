import { Migration } from '@mikro-orm/migrations';

export class Migration0040UserUnits extends Migration {
  override name = '0040-user-units';

  override up(): void {
    // The org unit (org.units of the configuration) a user belongs to; record scopes branch and team read it.
    this.addSql('alter table users add column unit text null');
    // Demo users carried their branch or region as attributes before units existed.
    this.addSql(`update users set unit = coalesce(attributes->>'branch', attributes->>'region') where unit is null`);
    this.addSql('create index users_unit_idx on users (unit)');
    // Lockout counts a user's recent failed logins in the audit log.
    this.addSql(`create index audit_entries_sessions_idx on audit_entries (actor, at) where entity = 'session'`);
  }
}
