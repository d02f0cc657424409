import type { HttpClient } from './http.js';
import { eventually } from './http.js';

/** A small entity for process tests: an amount, a due date, a status the processes write. */
export const expenseEntity = {
  label: { en: 'Expense', zh: '费用' },
  titleField: 'title',
  schema: {
    type: 'object',
    required: ['title', 'amount'],
    properties: {
      title: { type: 'string', maxLength: 200 },
      amount: { type: 'number', minimum: 0 },
      dueDate: { type: 'string', format: 'date' },
      receipts: { type: 'integer', minimum: 0 },
      status: { type: 'string', maxLength: 40 },
      note: { type: 'string', maxLength: 500 },
      score: { type: 'number' },
      grade: { type: 'string', maxLength: 10 },
      scoreExplanation: { type: 'array', items: { type: 'object' } },
    },
  },
};

export const processUrl = (id: string) => `/api/processes/${encodeURIComponent(id)}`;

/** Waits until `client` sees an open task of the record (at `step` when given) in its inbox. */
export async function openTaskOf(client: HttpClient, recordId: string, step?: string, timeoutMs = 5000) {
  return eventually(async () => {
    const inbox = await client.get('/api/inbox');
    return (inbox.body.items as { id: string; recordId: string; step: string; status: string; kind: string; assignee: string | null; candidates: string[] }[])
      .find((t) => t.recordId === recordId && (step === undefined || t.step === step) && (t.status === 'open' || t.status === 'claimed'));
  }, timeoutMs);
}

/** Waits until the run has `status` (default: any final one); returns its view. */
export async function processIn(client: HttpClient, processId: string, status?: string, timeoutMs = 10_000) {
  return eventually(async () => {
    const res = await client.get(processUrl(processId));
    const done = status ? res.body.status === status : res.body.status !== 'running';
    return done ? res.body : null;
  }, timeoutMs);
}

export async function createRecord(client: HttpClient, entity: string, data: Record<string, unknown>): Promise<string> {
  const res = await client.post(`/api/records/${entity}`, data);
  if (res.status !== 201) throw new Error(`create ${entity} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

export async function startProcess(client: HttpClient, process: string, entity: string, recordId: string): Promise<string> {
  const res = await client.post('/api/processes', { process, entity, recordId });
  if (res.status !== 201) throw new Error(`start ${process} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}
