import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database.js';
import { flowcrm } from '../support/cli.js';
import { entityTypesDir } from '../../scripts/cli/entity-types.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowcrm-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('flowcrm seed', { timeout: 120_000 }, () => {
  it('migrates and seeds DATABASE_URL with the demo organisation and the starter pack, and can run twice', async () => {
    const database = await createTestDatabase();
    try {
      const first = await flowcrm(['seed'], { DATABASE_URL: database.url });
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toBe(`migrated and seeded ${database.name}: demo users, configuration version 1\n`);
      const second = await flowcrm(['seed'], { DATABASE_URL: database.url });
      expect(second.code).toBe(0);
      const client = new pg.Client(database.url);
      await client.connect();
      const users = await client.query('select count(*)::int as n from users');
      const versions = await client.query('select count(*)::int as n from config_versions');
      await client.end();
      expect(users.rows[0].n).toBe(16); // the demo users of the README
      expect(versions.rows[0].n).toBe(1);
    } finally {
      await database.drop();
    }
  });

  it('says what it needs without DATABASE_URL', async () => {
    const res = await flowcrm(['seed'], { DATABASE_URL: undefined });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('DATABASE_URL is required\n');
  });
});

describe('flowcrm types', { timeout: 120_000 }, () => {
  it('generates the committed entity types of the starter pack, and removes stale ones', async () => {
    const out = join(dir, 'generated');
    await mkdir(join(out, 'entities'), { recursive: true });
    await writeFile(join(out, 'entities', 'gone.ts'), '// stale');
    const res = await flowcrm(['types', '--out', out]);
    expect(res.code).toBe(0);
    const committed = (await readdir(entityTypesDir)).sort();
    expect((await readdir(join(out, 'entities'))).sort()).toEqual(committed);
    for (const file of committed) {
      expect(await readFile(join(out, 'entities', file), 'utf8')).toBe(await readFile(join(entityTypesDir, file), 'utf8'));
    }
    expect(res.stdout).toMatch(/^wrote .*entities\/quote\.ts$/m);
  });
});
