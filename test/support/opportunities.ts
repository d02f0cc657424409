import type { HttpClient } from './http.js';
import { eventually } from './http.js';

/** A customer and an approved quote that a starter-pack opportunity can reference. */
export async function customerAndQuote(client: HttpClient): Promise<{ customer: string; quote: string }> {
  const customer = await client.post('/api/records/customer', { name: 'Acme Trading' });
  const quote = await client.post('/api/records/quote', { customerName: 'Acme Trading', lines: [{ product: 'Pump', quantity: 1, unitPrice: 10 }] });
  if (customer.status !== 201 || quote.status !== 201) throw new Error(`fixtures failed: ${JSON.stringify([customer.body, quote.body])}`);
  return { customer: customer.body.id, quote: quote.body.id };
}

export const cny = (amount: number) => ({ amount, currency: 'CNY' });

/** The fields that take a starter-pack opportunity from lead through quote. */
export function readyForQuote(refs: { customer: string; quote: string }, amount: number, owner = 'sales1') {
  return { customer: refs.customer, owner, intention: true, needs: 'two pumps', amount: cny(amount), quote: refs.quote, quoteStatus: 'approved' };
}

export async function stageOf(client: HttpClient, id: string, expected: string, timeoutMs = 8000) {
  return eventually(async () => {
    const res = await client.get(`/api/records/opportunity/${id}`);
    return res.body.data.stage === expected ? res.body : null;
  }, timeoutMs);
}
