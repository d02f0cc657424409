/**
 * How a test run picks its PostgreSQL (test/support/test-postgres.ts): an explicit URL must answer; a machine
 * server that answers is used as is; when none answers, an embedded server is started and removed at the end.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { canConnect, getFreePort } from '../../scripts/lib/ports.js';
import { repoRoot } from '../../scripts/lib/temporal-cli.js';
import { testPostgres } from '../support/test-postgres.js';

const runDir = mkdtempSync(path.join(repoRoot, 'data', 'test-run', 'choice-'));
chmodSync(runDir, 0o755); // the embedded server runs as the postgres user when we are root
afterAll(() => rmSync(runDir, { recursive: true, force: true }));

async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query('show server_version')).rows[0].server_version as string;
  } finally {
    await client.end();
  }
}

describe('the test run\'s PostgreSQL', { timeout: 90_000 }, () => {
  it('starts an embedded server when the machine has none, reuses a server that answers, and cleans up', async () => {
    const nobody = `postgres://postgres@127.0.0.1:${await getFreePort()}/postgres`;
    const lines: string[] = [];
    const embedded = await testPostgres(runDir, { explicitUrl: '', machineUrl: nobody, log: (l) => lines.push(l) });
    const port = Number(new URL(embedded.adminUrl).port);
    try {
      expect(embedded.source).toBe('embedded');
      expect(lines.join('\n')).toContain(`not using ${nobody} (`);
      expect(await serverVersion(embedded.adminUrl)).toMatch(/^18\./);
      expect(existsSync(path.join(runDir, `postgres-${process.pid}`, 'cluster', 'PG_VERSION'))).toBe(true);

      // A server that answers at the machine URL is used as it is: nothing started.
      const reused = await testPostgres(runDir, { explicitUrl: '', machineUrl: embedded.adminUrl, log: (l) => lines.push(l) });
      expect(reused).toMatchObject({ source: 'machine', adminUrl: embedded.adminUrl });
      await reused.stop();
      expect(await serverVersion(embedded.adminUrl)).toMatch(/^18\./);
    } finally {
      await embedded.stop();
    }
    expect(await canConnect(port)).toBe(false);
    expect(existsSync(path.join(runDir, `postgres-${process.pid}`))).toBe(false);
  });

  it('refuses a TEST_DATABASE_URL that does not answer, saying what to do', async () => {
    const dead = `postgres://postgres@127.0.0.1:${await getFreePort()}/postgres`;
    await expect(testPostgres(runDir, { explicitUrl: dead })).rejects.toThrow(
      /^TEST_DATABASE_URL does not answer \(.+\); unset it to let the tests start their own PostgreSQL$/,
    );
  });
});
