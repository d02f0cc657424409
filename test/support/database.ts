import pg from 'pg';
import { randomBytes } from 'node:crypto';

import { machineDatabaseUrl } from './test-postgres.js';

/**
 * The superuser URL test databases are created on: inside vitest, what global setup chose and provided (the
 * machine's server, or an embedded one it started); elsewhere (benchmarks) TEST_DATABASE_URL or the machine's server.
 */
const provided: string | undefined = process.env.VITEST_WORKER_ID
  ? (await import('vitest')).inject('adminDatabaseUrl')
  : undefined;

const fromEnv = process.env.TEST_DATABASE_URL === 'embedded' ? undefined : process.env.TEST_DATABASE_URL;
export const adminDatabaseUrl = provided ?? fromEnv ?? machineDatabaseUrl;

/** A fresh, empty database on the test PostgreSQL; returns its URL and a function that drops it. */
export async function createTestDatabase(adminUrl = adminDatabaseUrl): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `flowcrm_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client(adminUrl);
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const client = new pg.Client(adminUrl);
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
