import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database.js';
import { flowcrm } from '../support/cli.js';
import { quoteData } from '../support/quotes.js';
import { createOrm, migrate, type Orm } from '../../engine/db/orm.js';
import { seedDemo } from '../../engine/db/seed.js';
import { RecordRepository } from '../../engine/db/records.js';
import { sealPendingAuditEntries, startAuditSealer, verifyAuditChain } from '../../engine/db/audit-chain.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let orm: Orm;
let sql: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase();
  orm = await createOrm({ databaseUrl: database.url, poolSize: 10 });
  await migrate(orm);
  await seedDemo(orm.em.fork());
  sql = new pg.Client(database.url);
  await sql.connect();
});
afterAll(async () => {
  await sql?.end();
  await orm?.close();
  await database?.drop();
});

const verify = () => flowcrm(['audit', 'verify'], { DATABASE_URL: database.url });

async function createQuotes(n: number): Promise<string[]> {
  const ids = await Promise.all(Array.from({ length: n }, (_, i) =>
    new RecordRepository(orm.em.fork()).create('quote', quoteData(i % 30, 100 + i), i % 2 ? 'sales1' : 'sales2').then((r) => r.id)));
  // a commit that found the chain head taken left its entry to the sealer (decision 0105)
  await sealPendingAuditEntries(orm.em.fork());
  return ids;
}

async function refused(statement: string): Promise<string> {
  try {
    await sql.query(statement);
  } catch (error) {
    return (error as Error).message;
  }
  return 'not refused';
}

describe('audit chain', { timeout: 120_000 }, () => {
  it('seals concurrent writers into one gap-free chain that verifies', async () => {
    await createQuotes(40);
    const rows = (await sql.query(`select seq::int as seq, prev_hash, hash from audit_entries order by seq`)).rows as { seq: number; prev_hash: string; hash: string }[];
    expect(rows.length).toBeGreaterThanOrEqual(40);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    expect((await sql.query(`select seq::int as seq, hash from audit_chain`)).rows).toEqual([{ seq: rows.length, hash: rows.at(-1)!.hash }]);
    const report = await verifyAuditChain(orm.em.fork());
    expect(report).toMatchObject({ intact: true, rows: rows.length, problems: [] });
    const cli = await verify();
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toBe(`audit chain intact: ${rows.length} entries, head #${rows.length} ${rows.at(-1)!.hash}\n`);
    const json = await flowcrm(['audit', 'verify', '--json'], { DATABASE_URL: database.url });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ intact: true, rows: rows.length, headSeq: String(rows.length), headHash: rows.at(-1)!.hash, problems: [] });
  });

  it('leaves no gap for entries of rolled-back transactions and savepoints', async () => {
    const insert = (actor: string) => sql.query(`insert into audit_entries (id, entity, action, actor, at) values (gen_random_uuid(), 'session', 'login', $1, now())`, [actor]);
    const before = Number((await sql.query(`select seq from audit_chain`)).rows[0].seq);
    await sql.query('begin');
    await insert('rolled-back');
    await sql.query('rollback');
    await sql.query('begin');
    await sql.query('savepoint s');
    await insert('savepoint-rolled-back');
    await sql.query('rollback to savepoint s');
    await insert('kept-1');
    await insert('kept-2');
    await sql.query('commit');
    const rows = (await sql.query(`select actor, seq::int as seq from audit_entries where seq > $1 order by seq`, [before])).rows;
    expect(rows).toEqual([{ actor: 'kept-1', seq: before + 1 }, { actor: 'kept-2', seq: before + 2 }]);
    expect((await verifyAuditChain(orm.em.fork())).intact).toBe(true);
  });

  it('commits without waiting for a chain head another commit holds, and the sealer chains the entry after', async () => {
    const holder = new pg.Client(database.url);
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select * from audit_chain where id = 1 for update');
      const created = await new RecordRepository(orm.em.fork()).create('quote', quoteData(5, 150), 'sales1');
      const entry = async () => (await sql.query(`select seq, hash from audit_entries where record_id = $1`, [created.id])).rows[0];
      expect(await entry()).toEqual({ seq: null, hash: null });
      await holder.query('commit');
      const sealer = startAuditSealer(() => orm.em.fork(), 20);
      try {
        await expect.poll(async () => (await entry()).seq, { timeout: 5000, interval: 20 }).not.toBeNull();
      } finally {
        await sealer.stop();
      }
      const head = (await sql.query(`select seq::text as seq, hash from audit_chain`)).rows[0];
      expect(await entry()).toEqual({ seq: head.seq, hash: head.hash });
      expect(await verifyAuditChain(orm.em.fork())).toMatchObject({ intact: true, problems: [] });
    } finally {
      await holder.end();
    }
  });

  it('seals only from its triggers: the sealing function called directly is refused', async () => {
    await sql.query(`alter table audit_entries disable trigger audit_entries_seal`);
    try {
      await sql.query(`insert into audit_entries (id, entity, action, actor, at) values (gen_random_uuid(), 'session', 'login', 'direct', now())`);
    } finally {
      await sql.query(`alter table audit_entries enable trigger audit_entries_seal`);
    }
    const unsealed = async () => (await sql.query(`select count(*)::int as n from audit_entries where seq is null`)).rows[0].n;
    expect(await unsealed()).toBe(1);
    expect(await refused(`select flowcrm_audit_seal_pending(null, true, 10)`)).toMatch(/append-only: UPDATE refused/);
    expect(await unsealed()).toBe(1);
    await sql.query(`insert into audit_seal_requests default values`);
    expect(await unsealed()).toBe(0);
    expect((await sql.query(`select count(*)::int as n from audit_seal_requests`)).rows[0].n).toBe(0);
    expect((await verifyAuditChain(orm.em.fork())).intact).toBe(true);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit rows and of the chain head, even to the table owner', async () => {
    expect(await refused(`update audit_entries set actor = 'mallory' where seq = 1`)).toMatch(/append-only: UPDATE refused/);
    expect(await refused(`update audit_entries set seq = null where seq = 1`)).toMatch(/append-only: UPDATE refused/);
    expect(await refused(`delete from audit_entries where seq = 1`)).toMatch(/append-only: DELETE refused/);
    expect(await refused(`truncate audit_entries`)).toMatch(/append-only: TRUNCATE refused/);
    expect(await refused(`update audit_chain set seq = 0`)).toMatch(/audit seal only: UPDATE refused/);
    expect(await refused(`delete from audit_chain`)).toMatch(/audit seal only: DELETE refused/);
    expect(await refused(`insert into audit_chain (id, seq, hash) values (2, 0, 'x')`)).toMatch(/audit seal only: INSERT refused/);
    expect((await verifyAuditChain(orm.em.fork())).intact).toBe(true);
  });

  it('denies a separate application role UPDATE and DELETE by privilege, whatever the triggers, and still seals its inserts', async () => {
    const role = `flowcrm_app_${randomBytes(4).toString('hex')}`;
    await sql.query(`create role ${role} nologin`);
    try {
      await sql.query(`grant select, insert on audit_entries to ${role}`);
      await sql.query(`alter table audit_entries disable trigger audit_entries_append_only`);
      await sql.query('begin');
      await sql.query(`set local role ${role}`);
      expect(await refused(`update audit_entries set actor = 'mallory' where seq = 1`)).toMatch(/permission denied for table audit_entries/);
      await sql.query('rollback');
      await sql.query('begin');
      await sql.query(`set local role ${role}`);
      expect(await refused(`delete from audit_entries where seq = 1`)).toMatch(/permission denied for table audit_entries/);
      await sql.query('rollback');
      await sql.query(`alter table audit_entries enable trigger audit_entries_append_only`);
      await sql.query('begin');
      await sql.query(`set local role ${role}`);
      await sql.query(`insert into audit_entries (id, entity, record_id, action, actor, at) values (gen_random_uuid(), 'session', null, 'login', 'app-role', now())`);
      await sql.query('commit');
      const [sealed] = (await sql.query(`select seq, hash from audit_entries where actor = 'app-role'`)).rows;
      expect(sealed.seq).not.toBeNull();
      expect(sealed.hash).toMatch(/^[0-9a-f]{64}$/);
      expect((await verifyAuditChain(orm.em.fork())).intact).toBe(true);
    } finally {
      await sql.query(`alter table audit_entries enable trigger audit_entries_append_only`);
      await sql.query(`revoke all on audit_entries from ${role}`);
      await sql.query(`drop role ${role}`);
    }
  });

  it('reports every edited, deleted and reordered row by kind and sequence number, with exit code 1', async () => {
    await createQuotes(5);
    const head = Number((await sql.query(`select seq from audit_chain`)).rows[0].seq);
    const [edited, deleted, swapA, swapB] = [head - 8, head - 6, head - 3, head - 2];
    await sql.query(`alter table audit_entries disable trigger audit_entries_append_only`);
    try {
      await sql.query(`update audit_entries set changes = changes || '{"total": {"before": null, "after": 1}}' where seq = $1`, [edited]);
      await sql.query(`delete from audit_entries where seq = $1`, [deleted]);
      await sql.query(`update audit_entries set seq = -1 where seq = $1`, [swapA]);
      await sql.query(`update audit_entries set seq = $1 where seq = $2`, [swapA, swapB]);
      await sql.query(`update audit_entries set seq = $1 where seq = -1`, [swapB]);
    } finally {
      await sql.query(`alter table audit_entries enable trigger audit_entries_append_only`);
    }
    const report = await verifyAuditChain(orm.em.fork());
    expect(report.intact).toBe(false);
    expect(report.problems.map(({ kind, seq, originalSeq }) => ({ kind, seq, originalSeq }))).toEqual([
      { kind: 'edited', seq: String(edited), originalSeq: undefined },
      { kind: 'deleted', seq: String(deleted), originalSeq: undefined },
      { kind: 'reordered', seq: String(swapA), originalSeq: String(swapB) },
      { kind: 'reordered', seq: String(swapB), originalSeq: String(swapA) },
    ]);
    const cli = await verify();
    expect(cli.code).toBe(1);
    expect(cli.stdout).toBe('');
    const lines = cli.stderr.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(new RegExp(`^#${edited} edited: entry [0-9a-f-]+ does not match its hash$`));
    expect(lines[1]).toBe(`#${deleted} deleted: entry number ${deleted} is missing`);
    expect(lines[2]).toMatch(new RegExp(`^#${swapA} reordered \\(sealed as #${swapB}\\): `));
    expect(lines[3]).toMatch(new RegExp(`^#${swapB} reordered \\(sealed as #${swapA}\\): `));
    expect(lines[4]).toBe(`audit chain broken: 4 problems in ${head - 1} entries`);
  });

  it('says what it needs without DATABASE_URL', async () => {
    const res = await flowcrm(['audit', 'verify'], { DATABASE_URL: undefined });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('DATABASE_URL is required\n');
  });
});
