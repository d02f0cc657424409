/** `Idempotency-Key` on POSTs: replay of the first answer, 422 on reuse, concurrent duplicates serialised, takeover of a dead claim. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { inboxTaskFor, quoteData } from '../support/quotes.js';
import { uuidFromKey } from '../../engine/db/uuid-from-key.js';
import { RecordRepository } from '../../engine/db/records.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const key = () => ({ 'idempotency-key': randomUUID() });

async function countQuotes(customerName: string): Promise<number> {
  const rows = await stack.orm.em.fork().getConnection().execute<{ n: string }[]>(
    `select count(*) as n from records where entity = 'quote' and data->>'customerName' = ?`, [customerName]);
  return Number(rows[0].n);
}

describe('Idempotency-Key', { timeout: 60_000 }, () => {
  it('answers a retried record create with the first answer and writes one record', async () => {
    const sales1 = await stack.as('sales1');
    const headers = key();
    const first = await sales1.post('/api/records/quote', quoteData(5, 500, 'idem-retry'), headers);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await sales1.post('/api/records/quote', quoteData(5, 500, 'idem-retry'), headers);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(again.body).toEqual(first.body);
    expect(await countQuotes('idem-retry')).toBe(1);
    // the same key from another caller is another key
    const other = await (await stack.as('sales2')).post('/api/records/quote', quoteData(5, 500, 'idem-retry'), headers);
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(first.body.id);
    expect(await countQuotes('idem-retry')).toBe(2);
  });

  it('refuses the same key with another body or path with 422 IDEMPOTENCY_KEY_REUSED, and a malformed key with 422', async () => {
    const sales1 = await stack.as('sales1');
    const headers = key();
    expect((await sales1.post('/api/records/quote', quoteData(5, 500, 'idem-reuse'), headers)).status).toBe(201);
    const reused = await sales1.post('/api/records/quote', quoteData(6, 500, 'idem-reuse'), headers);
    expect([reused.status, reused.body.error.code, reused.body.error.details[0].path]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED', '/headers/idempotency-key']);
    const otherPath = await sales1.post('/api/processes', { process: 'quote-approval', entity: 'quote', recordId: randomUUID() }, headers);
    expect([otherPath.status, otherPath.body.error.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    const tooLong = await sales1.post('/api/records/quote', quoteData(5, 500, 'idem-reuse'), { 'idempotency-key': 'k'.repeat(256) });
    expect([tooLong.status, tooLong.body.error.code, tooLong.body.error.details[0].path]).toEqual([422, 'VALIDATION_FAILED', '/headers/idempotency-key']);
    expect(await countQuotes('idem-reuse')).toBe(1);
  });

  it('serialises concurrent duplicates: all get the one answer, one record is written', async () => {
    const sales1 = await stack.as('sales1');
    const headers = key();
    const answers = await Promise.all(Array.from({ length: 12 }, () => sales1.post('/api/records/quote', quoteData(5, 500, 'idem-race'), headers)));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') !== 'true')).toHaveLength(1);
    expect(await countQuotes('idem-race')).toBe(1);
  });

  it('replays a process start and a task completion instead of answering them again', async () => {
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const created = await sales1.post('/api/records/quote', quoteData(25, 200_000, 'idem-approval'));
    const start = { process: 'quote-approval', entity: 'quote', recordId: created.body.id };
    const startKey = key();
    const started = await sales1.post('/api/processes', start, startKey);
    expect(started.status).toBe(201);
    const restarted = await sales1.post('/api/processes', start, startKey);
    expect([restarted.status, restarted.headers.get('idempotent-replayed'), restarted.body]).toEqual([201, 'true', started.body]);

    const task = await inboxTaskFor(branchmgr, created.body.id, 15_000);
    const path = `/api/tasks/${encodeURIComponent(task.id)}/complete`;
    const decisionKey = key();
    const decided = await branchmgr.post(path, { outcome: 'approve', comment: 'ok' }, decisionKey);
    expect(decided.status).toBe(200);
    const retried = await branchmgr.post(path, { outcome: 'approve', comment: 'ok' }, decisionKey);
    expect([retried.status, retried.headers.get('idempotent-replayed'), retried.body]).toEqual([200, 'true', decided.body]);
    // without the key the same decision is what it is: a second one, refused
    expect((await branchmgr.post(path, { outcome: 'approve', comment: 'ok' })).body.error.code).toBe('TASK_ALREADY_DECIDED');
  });

  it('takes over the claim of an API that died (lease run out): creates once, or finds the record the dead one made', async () => {
    const sales1 = await stack.as('sales1');
    const conn = stack.orm.em.fork().getConnection();
    const { contentHash } = await import('../../engine/db/canonical-json.js');
    const body = (name: string) => quoteData(5, 500, name);
    const deadClaim = async (k: string, name: string) => conn.execute(
      `insert into idempotency_keys (owner, key, method, path, request_hash, claim, lease_until) values (?, ?, 'POST', '/api/records/quote', ?, ?, now() - interval '1 second')`,
      ['sales1', k, contentHash({ method: 'POST', url: '/api/records/quote', body: body(name) }), randomUUID()]);

    // died before its write committed
    const k1 = randomUUID();
    await deadClaim(k1, 'idem-dead-1');
    const a1 = await sales1.post('/api/records/quote', body('idem-dead-1'), { 'idempotency-key': k1 });
    expect(a1.status).toBe(201);
    expect(await countQuotes('idem-dead-1')).toBe(1);

    // died after its write committed, before it could store its answer
    const k2 = randomUUID();
    await deadClaim(k2, 'idem-dead-2');
    const id = uuidFromKey(`record:sales1:${k2}`);
    await new RecordRepository(stack.orm.em.fork()).create('quote', body('idem-dead-2'), 'sales1', '', id);
    const a2 = await sales1.post('/api/records/quote', body('idem-dead-2'), { 'idempotency-key': k2 });
    expect([a2.status, a2.body.id]).toEqual([201, id]);
    expect(await countQuotes('idem-dead-2')).toBe(1);
    expect((await sales1.post('/api/records/quote', body('idem-dead-2'), { 'idempotency-key': k2 })).headers.get('idempotent-replayed')).toBe('true');
  });

  it('is declared in the OpenAPI document on POSTs that take it', async () => {
    const doc = (await stack.anonymous().get('/openapi.json')).body;
    const parameters = (path: string) => (doc.paths[path].post.parameters ?? []) as { in: string; name: string }[];
    for (const path of ['/api/records/{entity}', '/api/processes', '/api/tasks/{id}/complete']) {
      expect(parameters(path).some((p) => p.in === 'header' && p.name === 'idempotency-key')).toBe(true);
    }
    expect(parameters('/api/auth/login').some((p) => p.name === 'idempotency-key')).toBe(false);
  });
});
