import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startStack, type Stack } from '../support/stack.js';
import { launchChromium } from '../support/browser.js';
import { eventually, type HttpClient } from '../support/http.js';
import { customerAndQuote, stageOf } from '../support/opportunities.js';
import { openTaskOf } from '../support/processes.js';
import { inboxTaskFor, statusOf, submitQuote } from '../support/quotes.js';
import { ensureAdminUiBuilt } from './ui-build.js';
import { chooseOption, errorsExcept, screenshot, signIn, type UiPage } from './ui-helpers.js';

let stack: Stack;
let browser: Browser;
let sales1: HttpClient;
let refs: { customer: string; quote: string };
const pages: UiPage[] = [];

beforeAll(async () => {
  [stack, browser] = await Promise.all([ensureAdminUiBuilt().then(() => startStack()), launchChromium()]);
  sales1 = await stack.as('sales1');
  refs = await customerAndQuote(sales1);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function as(username: string, path?: string): Promise<UiPage> {
  const ui = await signIn(browser, stack.url, username, path);
  pages.push(ui);
  return ui;
}

/** An opportunity in `stage` (moved there through the stage API, so its gates held). */
async function opportunity(name: string, stage: 'lead' | 'qualified') {
  const created = await sales1.post('/api/records/opportunity', { name, customer: refs.customer, owner: 'sales1', intention: true });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  if (stage === 'qualified') expect((await sales1.post(`/api/records/opportunity/${created.body.id}/stage`, { to: 'qualified' })).status).toBe(200);
  return created.body.id as string;
}

// Browser flows against the real API, Temporal and PostgreSQL: 10-30 s each alone, longer on a shared machine.
describe('staff', { timeout: 90_000 }, () => {
  it('record page: the stage bar shows the next stage\'s fields; a move blocked by its gate asks for the missing fields at their places', async () => {
    const id = await opportunity('Pumps for Haikou', 'qualified');
    const ui = await as('sales1', `/admin/records/opportunity/${id}`);
    const { page } = ui;
    const bar = page.getByTestId('stage-bar');
    await bar.waitFor();
    expect(await bar.getAttribute('data-stage')).toBe('qualified');
    expect(await page.locator('[data-testid=stage-step][aria-current=step]').getAttribute('data-stage')).toBe('qualified');
    const next = page.getByTestId('stage-next');
    expect(await next.getAttribute('data-stage')).toBe('needs-confirmed');
    expect(await next.getAttribute('data-missing')).toBe('needs,amount');
    expect(await page.locator('[data-testid=stage-next-field][data-filled=false]').allTextContents()).toEqual(['Confirmed needs', 'Amount']);

    await page.locator('[data-testid=stage-step][data-stage=needs-confirmed]').click();
    const gate = page.getByTestId('stage-gate-error');
    await gate.waitFor();
    expect(await gate.getAttribute('data-fields')).toBe('needs,amount');
    // The gate's 422 details at their fields (JSON pointer /needs, /amount).
    await page.locator('#stage_needs__error').waitFor();
    await page.locator('#stage_amount__error').waitFor();
    expect(await page.locator('#stage_needs__error').textContent()).toContain('needs is required to enter stage "Needs confirmed"');
    await screenshot(page, 'record-stage-gate');
    expect((await sales1.get(`/api/records/opportunity/${id}`)).body.data.stage).toBe('qualified'); // nothing moved

    await page.fill('#stage_needs', 'Two P-200 pumps and a service contract');
    await page.fill('#stage_amount_amount', '250000');
    await page.getByTestId('stage-form').locator('button[type=submit]').click();
    await page.getByTestId('stage-gate-error').waitFor({ state: 'detached' });
    await stageOf(sales1, id, 'needs-confirmed');
    await page.locator('[data-testid=stage-bar][data-stage=needs-confirmed]').waitFor();
    expect(await page.getByTestId('stage-next').getAttribute('data-stage')).toBe('quote');
    await screenshot(page, 'record-stage-bar');
    expect(errorsExcept(ui.consoleErrors, 422)).toEqual([]);
    expect(ui.consoleErrors.filter((e) => e.startsWith('HTTP 422')).length).toBe(1);
  });

  it('kanban: dragging a card moves the deal; a target that needs fields asks for them in a form first', async () => {
    const lead = await opportunity('Kanban lead', 'lead');
    const qualified = await opportunity('Kanban qualified', 'qualified');
    const ui = await as('sales1', '/admin/pipelines');
    const { page } = ui;
    await page.waitForURL(/\/admin\/pipelines\/opportunity-sales$/);
    const column = (stage: string) => page.locator(`[data-testid=board-column][data-stage="${stage}"]`);
    const card = (recordId: string) => page.locator(`[data-testid=board-card][data-record-id="${recordId}"]`);
    await card(lead).waitFor();
    const board = (await sales1.get('/api/pipelines/opportunity-sales/board')).body.columns as { stage: string; count: number }[];
    for (const c of board) expect(await column(c.stage).getAttribute('data-count')).toBe(String(c.count));

    await card(lead).dragTo(column('qualified'));
    await stageOf(sales1, lead, 'qualified');
    await column('qualified').locator(`[data-testid=board-card][data-record-id="${lead}"]`).waitFor();
    expect(await page.getByTestId('notice').textContent()).toContain('Qualified');

    // needs-confirmed requires needs and amount: the form asks for them, the move sends them with it.
    await card(qualified).dragTo(column('needs-confirmed'));
    const form = page.getByTestId('stage-form');
    await form.waitFor();
    expect(await form.getAttribute('data-stage')).toBe('needs-confirmed');
    await form.locator('#stage_needs').fill('A forecourt canopy');
    await form.locator('#stage_amount_amount').fill('88000');
    await form.locator('button[type=submit]').click();
    await form.waitFor({ state: 'detached' });
    const moved = await stageOf(sales1, qualified, 'needs-confirmed');
    expect(moved.data.amount).toEqual({ amount: 88000, currency: 'CNY' });
    await column('needs-confirmed').locator(`[data-testid=board-card][data-record-id="${qualified}"]`).waitFor();
    const after = (await sales1.get('/api/pipelines/opportunity-sales/board')).body.columns as { stage: string; amount: number }[];
    const amount = after.find((c) => c.stage === 'needs-confirmed')!.amount;
    expect(amount).toBeGreaterThanOrEqual(88000);
    expect(await column('needs-confirmed').locator('[data-testid=column-amount]').textContent()).toContain(amount.toLocaleString('en', { maximumFractionDigits: 0 }));
    await screenshot(page, 'kanban');

    // In Chinese: the stage labels of the configuration (the board asks in the locale) and the app's strings.
    await page.getByTestId('language-switch').getByText('中文').click();
    await column('lead').locator('h3', { hasText: '线索' }).waitFor();
    expect(await column('needs-confirmed').getByTestId('column-count').textContent()).toMatch(/^\d+ 个商机$/);
    expect(await card(lead).getByTestId('card-move').locator('option').allTextContents()).toContain('需求确认');
    expect(errorsExcept(ui.consoleErrors)).toEqual([]);
  });

  it('dashboards draw the report endpoints\' data as charts', async () => {
    const branchmgr = await stack.as('branchmgr');
    const { recordId } = await submitQuote(sales1, 15, 500);
    const task = await inboxTaskFor(branchmgr, recordId);
    expect((await branchmgr.post(`/api/tasks/${task.id}/complete`, { outcome: 'approve', comment: 'ok' })).status).toBe(200);
    await statusOf(sales1, recordId, 'approved');
    const admin = await stack.as('admin');
    expect((await admin.post('/api/records/receivable', { customer: refs.customer, amount: 1200, shippedAt: '2026-01-05', dueDate: '2026-02-05' })).status).toBe(201);
    await eventually(async () => ((await admin.get('/api/reports/approval-cycle-time')).body.rows as unknown[]).length > 0, 10_000);

    const ui = await as('admin', '/admin/dashboards');
    const { page } = ui;
    for (const id of ['funnel', 'forecast', 'sla', 'cycle', 'ageing']) {
      await page.locator(`[data-testid=dashboard-${id}][data-state=ready] [data-testid=chart-${id}] svg`).waitFor({ timeout: 15_000 });
    }
    const funnel = (await admin.get('/api/reports/funnel?pipeline=opportunity-sales')).body.rows as { label: string; reached: number; category: string }[];
    expect(await page.getByTestId('dashboard-funnel').getAttribute('data-rows')).toBe(String(funnel.length));
    const funnelText = await page.getByTestId('chart-funnel').locator('svg text').allTextContents();
    for (const row of funnel.filter((r) => r.category !== 'lost')) expect(funnelText).toContain(`${row.label}: ${row.reached}`);
    const ageing = (await admin.get('/api/reports/receivables-ageing')).body.rows as { bucket: string; outstanding: number }[];
    expect(ageing.find((r) => r.bucket === '90+')?.outstanding).toBeGreaterThanOrEqual(1200);
    expect(await page.getByTestId('chart-ageing').locator('svg text').allTextContents()).toContain('90+ days');
    await screenshot(page, 'dashboard');
    expect(errorsExcept(ui.consoleErrors)).toEqual([]);
  });

  it('inbox: the approver selects approvals and approves them at once with one reason', async () => {
    const branchmgr = await stack.as('branchmgr');
    const quotes = await Promise.all([submitQuote(sales1, 12, 100), submitQuote(sales1, 13, 200)]);
    const tasks = await Promise.all(quotes.map((q) => inboxTaskFor(branchmgr, q.recordId)));
    const ui = await as('branchmgr', '/admin/');
    const { page } = ui;
    for (const task of tasks) await page.locator(`[data-testid=inbox-row][data-task-id="${task.id}"] [data-testid=bulk-select]`).check();
    await page.getByTestId('bulk-reason').fill('Standard discounts');
    await page.getByTestId('bulk-approve').click();
    await page.getByTestId('bulk-result').waitFor();
    expect(await page.getByTestId('bulk-result').textContent()).toContain('2 approved, 0 not');
    for (const q of quotes) await statusOf(sales1, q.recordId, 'approved');
    for (const task of tasks) await page.locator(`[data-testid=inbox-row][data-task-id="${task.id}"]`).waitFor({ state: 'detached' });
    const history = await sales1.get(`/api/records/quote/${quotes[1].recordId}/history`);
    expect((history.body.items as { action: string; comment?: string }[]).some((h) => h.action === 'approve' && h.comment === 'Standard discounts')).toBe(true);
    expect(errorsExcept(ui.consoleErrors)).toEqual([]);
  });

  it('task page: a user task shows its own form and its answers go to the process', async () => {
    const created = await sales1.post('/api/records/complaint', {
      customer: refs.customer, channel: 'hotline_400', site: 'Station 12', topic: 'service', description: 'Waited 20 minutes at pump 4',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const service1 = await stack.as('service1');
    const task = await openTaskOf(service1, created.body.id, 'fl-verify', 15_000);
    const ui = await as('service1', `/admin/tasks/${task.id}`);
    const { page } = ui;
    const form = page.getByTestId('user-task-form');
    await page.locator(`[data-testid=task-page][data-task-id="${task.id}"]`).waitFor({ timeout: 20_000 }); // the task page's chunk carries RJSF: slow on a loaded machine
    await screenshot(page, 'user-task');
    await form.waitFor({ timeout: 10_000 });
    await form.locator('button[type=submit]').click(); // no verification result yet: the API's error at its field
    await page.locator('#root_verificationResult__error').waitFor();
    await chooseOption(page, form.locator('#root_verificationResult').locator('xpath=ancestor::div[contains(@class,"ant-select")][1]'), 'confirmed');
    await form.locator('#root_verificationNote').fill('CCTV shows the wait');
    await form.locator('button[type=submit]').click();
    await page.getByTestId('inbox').waitFor();
    const record = await eventually(async () => {
      const res = await service1.get(`/api/records/complaint/${created.body.id}`);
      return res.body.data.verificationResult === 'confirmed' ? res.body : null;
    }, 10_000);
    expect(record.data.verificationNote).toBe('CCTV shows the wait');
    expect(errorsExcept(ui.consoleErrors, 422)).toEqual([]);
  });
});
