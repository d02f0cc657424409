import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { eventually, type HttpClient } from '../support/http.js';
import { createRecord } from '../support/processes.js';
import { quoteData, statusOf } from '../support/quotes.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

async function run(client: HttpClient, process: string, recordId: string): Promise<{ status: string; outcome: string }> {
  const started = await client.post('/api/processes', { process, entity: 'quote', recordId });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  return eventually(async () => {
    const { body } = await client.get(`/api/processes/${encodeURIComponent(started.body.id)}`);
    return body.status === 'running' ? null : body;
  }, 20_000);
}

async function contractsOf(client: HttpClient, customer: string) {
  const { body } = await client.get(`/api/records/contract?filter=${encodeURIComponent(`record.customer == "${customer}"`)}`);
  return body.items as { id: string; data: Record<string, unknown>; createdBy: string }[];
}

describe('quote -> order (Q-03): "Create order" on an approved quote', () => {
  it('refuses a quote that is not approved, then drafts one order from the approved quote, linked both ways', async () => {
    const sales1 = await stack.as('sales1');
    const customer = await createRecord(sales1, 'customer', { name: 'Qingdao pumps', creditLine: 50_000 });
    const quote = await createRecord(sales1, 'quote', { ...quoteData(5, 100_000, 'Qingdao pumps'), customer });

    expect(await run(sales1, 'quote-create-order', quote)).toMatchObject({ status: 'completed', outcome: 'not_approved' });
    expect(await contractsOf(sales1, customer)).toEqual([]);

    expect(await run(sales1, 'quote-approval', quote)).toMatchObject({ status: 'completed' });
    await statusOf(sales1, quote, 'approved');

    expect(await run(sales1, 'quote-create-order', quote)).toMatchObject({ status: 'completed', outcome: 'created' });
    const [order, ...more] = await contractsOf(sales1, customer);
    expect(more).toEqual([]);
    expect(order.data).toMatchObject({
      kind: 'order', status: 'drafting', customer, customerName: 'Qingdao pumps', amount: 100_000, owner: 'sales1',
      lines: quoteData(5, 100_000).lines, number: expect.stringMatching(/^CT-/),
    });
    expect((await sales1.get(`/api/records/quote/${quote}`)).body.data).toMatchObject({ status: 'approved', contract: order.id });

    // the order went through the write path: its credit rule warned the owner (100,000 over a 50,000 line)
    const feed = (await sales1.get('/api/notifications?limit=200')).body.items as { kind: string; link: { recordId?: string } | null }[];
    expect(feed.filter((n) => n.kind === 'rule-warning' && n.link?.recordId === order.id)).toHaveLength(1);

    expect(await run(sales1, 'quote-create-order', quote)).toMatchObject({ status: 'completed', outcome: 'exists' });
    expect(await contractsOf(sales1, customer)).toHaveLength(1);
  });
});
