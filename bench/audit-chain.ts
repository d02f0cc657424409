/**
 * Audit chain benchmark: record creates (RecordRepository.create: validation, numbering, one audit entry) at a fixed
 * concurrency, with the hash-chain seal trigger on, against the same creates with the seal trigger disabled (the
 * baseline: the audit row is still written, just not chained), alternating rounds in the same run. Also times
 * `verifyAuditChain` over everything written. Not part of `npm test`.
 *   npx tsx bench/audit-chain.ts     (CREATES=2000 per round, CONCURRENCY=10, ROUNDS=3; BENCH_DATABASE_URL)
 */
import os from 'node:os';
import pg from 'pg';
import { createOrm, migrate, type Orm } from '../engine/db/orm.js';
import { seedDemo } from '../engine/db/seed.js';
import { RecordRepository } from '../engine/db/records.js';
import { verifyAuditChain } from '../engine/db/audit-chain.js';
import { summary } from './lib/stats.js';
import { createTestDatabase } from '../test/support/database.js';

const CREATES = Number(process.env.CREATES ?? 2000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 10);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function createsPerSecond(orm: Orm): Promise<{ perSecond: number; latencies: number[] }> {
  let next = 0;
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < CREATES) {
      const i = next++;
      const t = performance.now();
      await new RecordRepository(orm.em.fork()).create('quote', {
        customerName: `Customer ${i}`, lines: [{ product: 'Pump P-200', quantity: 1, unitPrice: 100 }], discountPercent: i % 30, total: 100,
      }, 'sales1');
      latencies.push(performance.now() - t);
    }
  }));
  return { perSecond: CREATES / ((performance.now() - start) / 1000), latencies };
}

async function main() {
  const database = await createTestDatabase(adminUrl);
  const url = new URL(database.url);
  const orm = await createOrm({ databaseUrl: url.toString(), poolSize: CONCURRENCY });
  const direct = new pg.Client(url.toString());
  try {
    await migrate(orm);
    await seedDemo(orm.em.fork());
    await direct.connect();
    await createsPerSecond(orm); // warm-up: caches, indexes, JIT
    const results: Record<'chained' | 'baseline', number[]> = { chained: [], baseline: [] };
    const latencies: Record<'chained' | 'baseline', number[]> = { chained: [], baseline: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of ['baseline', 'chained'] as const) {
        await direct.query(`alter table audit_entries ${mode === 'chained' ? 'enable' : 'disable'} trigger audit_entries_seal`);
        const { perSecond, latencies: l } = await createsPerSecond(orm);
        results[mode].push(perSecond);
        latencies[mode].push(...l);
      }
    }
    await direct.query(`alter table audit_entries enable trigger audit_entries_seal`);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const chained = mean(results.chained);
    const baseline = mean(results.baseline);
    console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model}, PostgreSQL ${(await direct.query('show server_version')).rows[0].server_version}`);
    console.log(`${ROUNDS} rounds x ${CREATES} creates, concurrency ${CONCURRENCY}`);
    console.log(`baseline (no chain): ${baseline.toFixed(0)} creates/s, latency ms ${JSON.stringify(summary(latencies.baseline))}`);
    console.log(`chained:             ${chained.toFixed(0)} creates/s, latency ms ${JSON.stringify(summary(latencies.chained))}`);
    console.log(`ratio chained/baseline: ${(chained / baseline).toFixed(3)}`);
    // baseline rounds left unsealed rows; verification reads them all (and reports them as unsealed)
    const start = performance.now();
    const report = await verifyAuditChain(orm.em.fork());
    const ms = performance.now() - start;
    console.log(`verify: ${report.rows} entries in ${ms.toFixed(0)} ms (${(report.rows / (ms / 1000)).toFixed(0)} entries/s), ${report.problems.filter((p) => p.kind !== 'unsealed').length} problems besides the baseline's unsealed rows`);
  } finally {
    await direct.end();
    await orm.close();
    await database.drop();
  }
}

await main();
