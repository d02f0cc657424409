import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { submitQuote, inboxTaskFor, statusOf, quoteData } from '../support/quotes.js';
import { execFileSync } from 'node:child_process';
import { resolveTemporalCli } from '../../scripts/lib/temporal-cli.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('quote approval end to end over HTTP', () => {
  it('routes a 25% / 200,000 quote to the branch manager, then the regional director, and records both decisions', async () => {
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const regiondir = await stack.as('regiondir');
    const { recordId, processId } = await submitQuote(sales1, 25, 200_000);
    expect(processId).toBe(`quote-approval:quote:${recordId}`);

    const first = await inboxTaskFor(branchmgr, recordId, 20_000);
    expect(first.kind).toBe('approval');
    expect((await regiondir.get('/api/inbox')).body.items.filter((t: { recordId: string }) => t.recordId === recordId)).toHaveLength(0);
    expect((await statusOf(sales1, recordId, 'pending_approval')).data.status).toBe('pending_approval');

    const approve1 = await branchmgr.post(`/api/tasks/${encodeURIComponent(first.id)}/complete`, { outcome: 'approve', comment: 'within branch margin' });
    expect(approve1.status).toBe(200);

    const second = await inboxTaskFor(regiondir, recordId, 20_000);
    expect(second.id).not.toBe(first.id);
    const approve2 = await regiondir.post(`/api/tasks/${encodeURIComponent(second.id)}/complete`, { outcome: 'approve', comment: 'strategic account' });
    expect(approve2.status).toBe(200);

    await statusOf(sales1, recordId, 'approved');
    const history = await sales1.get(`/api/records/quote/${recordId}/history`);
    const decisions = history.body.items.filter((h: { action: string }) => h.action === 'approve');
    expect(decisions.map((d: { actor: string; comment: string }) => [d.actor, d.comment])).toEqual([
      ['branchmgr', 'within branch margin'],
      ['regiondir', 'strategic account'],
    ]);
    for (const d of decisions) expect(Date.parse(d.at)).toBeGreaterThan(0);

    const process = await sales1.get(`/api/processes/${encodeURIComponent(processId)}`);
    expect(process.status).toBe(200);
    expect(process.body.configVersion).toBe(1);
    const routed = process.body.tasks.map((t: { step: string; routing: { rule: string }[] }) => [t.step, t.routing[0].rule]);
    expect(routed).toEqual([['branch', 'managerOf:requester'], ['region', 'role:regional_director']]);
  });

  it('approves a 5% quote with no task', async () => {
    const sales1 = await stack.as('sales1');
    const { recordId, processId } = await submitQuote(sales1, 5, 10_000);
    await statusOf(sales1, recordId, 'approved');
    const process = await sales1.get(`/api/processes/${encodeURIComponent(processId)}`);
    expect(process.body.tasks).toEqual([]);
  });

  it('ends with rejected when the approver rejects', async () => {
    const sales2 = await stack.as('sales2');
    const branchmgr = await stack.as('branchmgr');
    const { recordId } = await submitQuote(sales2, 15, 50_000);
    const task = await inboxTaskFor(branchmgr, recordId);
    const res = await branchmgr.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, { outcome: 'reject', comment: 'margin too thin' });
    expect(res.status).toBe(200);
    await statusOf(sales2, recordId, 'rejected');
  });

  it('refuses self-approval with 403 and a second decision with 409', async () => {
    const sales1 = await stack.as('sales1');
    const branchmgr = await stack.as('branchmgr');
    const { recordId } = await submitQuote(sales1, 15, 50_000);
    const task = await inboxTaskFor(branchmgr, recordId);
    const path = `/api/tasks/${encodeURIComponent(task.id)}/complete`;

    const self = await sales1.post(path, { outcome: 'approve' });
    expect(self.status).toBe(403);
    expect(['SELF_APPROVAL', 'NOT_AN_APPROVER']).toContain(self.body.error.code);

    const outsider = await (await stack.as('finance')).post(path, { outcome: 'approve' });
    expect(outsider.status).toBe(403);

    expect((await branchmgr.post(path, { outcome: 'approve' })).status).toBe(200);
    const again = await branchmgr.post(path, { outcome: 'reject' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('TASK_ALREADY_DECIDED');
    await statusOf(sales1, recordId, 'approved');
  });

  it('rejects an invalid quote with 422 and a JSON-pointer path, writing nothing', async () => {
    const sales1 = await stack.as('sales1');
    // the admin counts: sales reps see only their own quotes (starter-pack permissions)
    const admin = await stack.as('admin');
    const before = await admin.get('/api/records/quote?limit=500');
    const bad = { ...quoteData(150, 1000), lines: [{ product: 'X', quantity: 'ten', unitPrice: 1 }] };
    const res = await sales1.post('/api/records/quote', bad);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const paths = res.body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['/discountPercent', '/lines/0/quantity']);
    const after = await admin.get('/api/records/quote?limit=500');
    expect(after.body.items.length).toBe(before.body.items.length);
    const audit = await stack.orm.em.fork().getConnection().execute(`select count(*)::int as n from audit_entries where action = 'create'`);
    expect(audit[0].n).toBe(after.body.items.length);
  });

  it('lists the quote workflows under business-key ids in `temporal workflow list`', async () => {
    const sales1 = await stack.as('sales1');
    const { recordId } = await submitQuote(sales1, 5, 1_000);
    await statusOf(sales1, recordId, 'approved');
    const cli = await resolveTemporalCli();
    const out = execFileSync(cli, ['workflow', 'list', '--address', stack.temporalAddress, '--output', 'jsonl'], { encoding: 'utf8' });
    const ids = out.trim().split('\n').filter(Boolean).flatMap((line) => {
      const parsed = JSON.parse(line);
      return (Array.isArray(parsed) ? parsed : [parsed]).map((w: { execution: { workflowId: string } }) => w.execution.workflowId);
    });
    expect(ids).toContain(`quote-approval:quote:${recordId}`);
  });
});
