import { createOrm, migrate } from '../../engine/db/orm.js';
import { seedDemo } from '../../engine/db/seed.js';
import { ConfigStore } from '../../engine/db/config-store.js';
import { CliError, print } from './output.js';

/** Migrates the database at DATABASE_URL and seeds the demo organisation and the starter pack; safe to repeat. */
export async function seedCommand(options: { password: string }): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new CliError('DATABASE_URL is required');
  const orm = await createOrm({ databaseUrl, poolSize: 2 });
  try {
    await migrate(orm);
    await seedDemo(orm.em.fork(), options.password);
    const config = await new ConfigStore(orm.em.fork()).current();
    print(`migrated and seeded ${new URL(databaseUrl).pathname.slice(1) || 'the database'}: demo users, configuration version ${config.version}`);
  } finally {
    await orm.close();
  }
}
