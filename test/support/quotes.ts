import type { HttpClient } from './http.js';
import { eventually } from './http.js';

export function quoteData(discountPercent: number, total: number, customerName = 'Acme Trading') {
  return {
    customerName,
    lines: [{ product: 'Pump P-200', quantity: 10, unitPrice: total / 10 }],
    discountPercent,
    total,
  };
}

/** Creates a quote as `client` and submits it to the quote-approval process; returns the record and process ids. */
export async function submitQuote(client: HttpClient, discountPercent: number, total: number) {
  const created = await client.post('/api/records/quote', quoteData(discountPercent, total));
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
  const recordId = created.body.id as string;
  const started = await client.post('/api/processes', { process: 'quote-approval', entity: 'quote', recordId });
  if (started.status !== 201) throw new Error(`submit failed: ${started.status} ${JSON.stringify(started.body)}`);
  return { recordId, processId: started.body.id as string };
}

/** Waits until `client`'s inbox holds an open approval for the record; returns it. */
export async function inboxTaskFor(client: HttpClient, recordId: string, timeoutMs = 10_000) {
  return eventually(async () => {
    const inbox = await client.get('/api/inbox');
    return (inbox.body.items as { recordId: string; status: string; id: string; kind: string; step: string; candidates: string[] }[])
      .find((t) => t.recordId === recordId && (t.status === 'open' || t.status === 'claimed'));
  }, timeoutMs);
}

export async function statusOf(client: HttpClient, recordId: string, expected: string, timeoutMs = 10_000) {
  return eventually(async () => {
    const res = await client.get(`/api/records/quote/${recordId}`);
    return res.body.data.status === expected ? res.body : null;
  }, timeoutMs);
}
