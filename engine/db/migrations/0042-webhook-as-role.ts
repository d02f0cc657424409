import { Migration } from '@mikro-orm/migrations';

/** The role whose field access a subscription's deliveries get (docs/decisions/0099); null: the strictest rule. */
export class Migration0042WebhookAsRole extends Migration {
  override name = '0042-webhook-as-role';

  override up(): void {
    this.addSql('alter table webhook_subscriptions add column as_role text null');
  }
}
