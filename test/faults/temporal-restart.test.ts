/**
 * Fault: the Temporal server is killed -9 and started again on the same database file while clients start processes
 * (with `Idempotency-Key`, retrying 503 and connection failures). Every start the API acknowledged (201) must run to
 * its end, none twice. The Temporal server is one this file owns, so killing it disturbs nobody else.
 * Reduced size in `npm test`; `npm run test:faults` (FLOWCRM_FAULTS=full) runs the full size.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot, startTemporalDevServer, type DevServer } from '../../scripts/lib/temporal-cli.js';
import { getFreePort } from '../../scripts/lib/ports.js';
import { startStackWith, type Stack } from '../support/stack-core.js';
import { quoteData } from '../support/quotes.js';
import { eventually } from '../support/http.js';

const full = process.env.FLOWCRM_FAULTS === 'full';
const size = full ? { starts: 200, clients: 6 } : { starts: 60, clients: 4 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dir = path.join(repoRoot, 'data', 'test-run', `faults-temporal-${process.pid}`);
let temporal: DevServer;
let port: number;
let stack: Stack;

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  port = await getFreePort();
  temporal = await startTemporalDevServer({ port, dbFile: path.join(dir, 'temporal.sqlite'), headless: true, timeoutSec: 120 });
  stack = await startStackWith({ temporalAddress: temporal.address, workflowBundlePath: inject('workflowBundlePath') });
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe(`Temporal server killed -9 and restarted during process starts (${full ? 'full' : 'reduced'} size)`, { timeout: 300_000 }, () => {
  it('loses no acknowledged start and runs none twice', async () => {
    const sales1 = await stack.as('sales1');
    const recordIds: string[] = [];
    for (let i = 0; i < size.starts; i++) {
      const created = await sales1.post('/api/records/quote', quoteData(5, 500, `temporal-${process.pid}-${i}`));
      expect(created.status).toBe(201);
      recordIds.push(created.body.id);
    }
    const acknowledged = new Map<string, string>();
    const answers: Record<string, number> = {};
    let next = 0;
    const client = async () => {
      for (let i = next++; i < size.starts; i = next++) {
        const key = randomUUID();
        for (;;) {
          try {
            const res = await sales1.post('/api/processes', { process: 'quote-approval', entity: 'quote', recordId: recordIds[i] }, { 'idempotency-key': key });
            answers[res.status] = (answers[res.status] ?? 0) + 1;
            if (res.status === 201) {
              acknowledged.set(recordIds[i], res.body.id);
              break;
            }
            expect([503, 409], JSON.stringify(res.body)).toContain(res.status);
          } catch {
            answers.connection = (answers.connection ?? 0) + 1;
          }
          await sleep(200);
        }
      }
    };
    const clients = Promise.all(Array.from({ length: size.clients }, client));
    while (acknowledged.size < size.starts / 3) await sleep(20);
    const killedAt = acknowledged.size;
    process.kill(-temporal.child.pid!, 'SIGKILL');
    await new Promise((r) => temporal.child.once('exit', r));
    await sleep(1000);
    temporal = await startTemporalDevServer({ port, dbFile: path.join(dir, 'temporal.sqlite'), headless: true, timeoutSec: 120 });
    await clients;

    const db = new pg.Client(stack.databaseUrl);
    await db.connect();
    const ended = await eventually(async () => {
      const rows = (await db.query<{ record_id: string; status: string }>(
        `select record_id, status from process_instances where record_id = any($1::uuid[])`, [recordIds])).rows;
      return rows.filter((r) => r.status === 'completed').length >= acknowledged.size ? rows : undefined;
    }, 180_000, 500).catch(async () => (await db.query<{ record_id: string; status: string }>(
      `select record_id, status from process_instances where record_id = any($1::uuid[])`, [recordIds])).rows);
    await db.end();
    const completed = new Map<string, number>();
    for (const r of ended) if (r.status === 'completed') completed.set(r.record_id, (completed.get(r.record_id) ?? 0) + 1);
    const lost = [...acknowledged.keys()].filter((id) => !completed.has(id)).length;
    const duplicated = [...completed.values()].filter((n) => n > 1).length;
    const approved = (await Promise.all([...acknowledged.keys()].slice(0, 20).map(async (id) => (await sales1.get(`/api/records/quote/${id}`)).body.data.status)))
      .filter((s) => s === 'approved').length;
    console.log(`starts = ${size.starts}, acknowledged = ${acknowledged.size}, killed after ${killedAt}; answers ${JSON.stringify(answers)}; runs by status ${JSON.stringify(ended.reduce<Record<string, number>>((a, r) => ({ ...a, [r.status]: (a[r.status] ?? 0) + 1 }), {}))}`);
    console.log(`lost = ${lost}`);
    console.log(`duplicated = ${duplicated}`);
    expect(acknowledged.size).toBe(size.starts);
    expect(approved).toBe(Math.min(20, acknowledged.size));
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
  });
});
