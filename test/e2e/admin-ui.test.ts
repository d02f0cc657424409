import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startStack, type Stack } from '../support/stack.js';
import { launchChromium } from '../support/browser.js';
import { inboxTaskFor, statusOf, submitQuote } from '../support/quotes.js';
import { eventually } from '../support/http.js';
import { ensureAdminUiBuilt } from './ui-build.js';
import { chooseOption, errorsExcept, screenshot, signIn as signInAs } from './ui-helpers.js';

let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  [stack, browser] = await Promise.all([ensureAdminUiBuilt().then(() => startStack()), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const pages: { consoleErrors: string[] }[] = [];

/** A fresh browser context (own localStorage) signed in as `username`; its console errors are collected. */
async function signIn(username: string, path = '/admin/'): Promise<Page> {
  const ui = await signInAs(browser, stack.url, username, path);
  pages.push(ui);
  return ui.page;
}

async function decide(page: Page, taskId: string, outcome: string, comment: string) {
  await page.locator(`[data-testid=inbox-row][data-task-id="${taskId}"]`).click();
  await page.locator(`[data-testid=task-page][data-task-id="${taskId}"]`).waitFor({ timeout: 5000 });
  const form = page.getByTestId('decision-form');
  await form.getByRole('radio', { name: outcome }).check();
  await form.locator('textarea').fill(comment);
  await form.locator('button[type=submit]').click();
  await page.getByTestId('inbox').waitFor({ timeout: 5000 });
}

// Multi-user browser flows: 10-20 s alone, longer when the whole suite shares two cores.
describe('admin UI in Chromium', { timeout: 180_000 }, () => {
  it('runs a quote from the RJSF create form through two approvals', async () => {
    const sales1 = await signIn('sales1');
    await sales1.getByTestId('nav-records').click();
    await chooseOption(sales1, sales1.getByTestId('entity-picker'), 'Quote');
    await sales1.getByTestId('new-record').click();
    const form = sales1.getByTestId('create-form');
    await form.locator('#root_customerName').fill('Globex Industrial');
    expect(await form.locator('#root_status').count()).toBe(0); // readOnly fields are not offered on create
    if (await form.locator('#root_lines_0_product').count() === 0) await form.locator('#root_lines__add').click();
    await form.locator('#root_lines_0_product').fill('Compressor C-9');
    await form.locator('#root_lines_0_quantity').fill('0');
    await form.locator('#root_lines_0_unitPrice').fill('8000');
    await form.locator('#root_discountPercent').fill('25');
    await form.locator('#root_total').fill('200000');
    await form.locator('button[type=submit]').click();

    const fieldError = sales1.locator('#root_lines_0_quantity__error');
    await fieldError.waitFor({ timeout: 5000 });
    expect(await fieldError.textContent()).toContain('must be > 0');
    expect(await sales1.getByTestId('record-error').getAttribute('data-code')).toBe('VALIDATION_FAILED');
    expect(await sales1.getByTestId('record-error').textContent()).toContain('/lines/0/quantity');
    expect(new URL(sales1.url()).pathname).toBe('/admin/records/quote/new');

    await form.locator('#root_lines_0_quantity').fill('25');
    await form.locator('button[type=submit]').click();
    await sales1.waitForURL(/\/admin\/records\/quote\/[0-9a-f-]{36}$/, { timeout: 5000 });
    const recordId = new URL(sales1.url()).pathname.split('/').pop() as string;
    await sales1.locator('[data-testid=record-status][data-status=draft]').waitFor({ timeout: 5000 });
    const api = await stack.as('sales1');
    const created = await api.get(`/api/records/quote/${recordId}`);
    expect(created.body.data).toEqual({
      customerName: 'Globex Industrial', lines: [{ product: 'Compressor C-9', quantity: 25, unitPrice: 8000 }],
      discountPercent: 25, total: 200000, status: 'draft',
    });

    await sales1.locator('[data-testid=submit-for-approval][data-process=quote-approval]').click();
    await sales1.locator('[data-testid=record-status][data-status=pending_approval]').waitFor({ timeout: 10_000 });

    const branchTask = await inboxTaskFor(await stack.as('branchmgr'), recordId, 10_000);
    const branchmgr = await signIn('branchmgr');
    await branchmgr.locator(`[data-testid=inbox-row][data-task-id="${branchTask.id}"]`).click();
    const routing = branchmgr.getByTestId('routing');
    await routing.waitFor({ timeout: 5000 });
    expect(await routing.textContent()).toContain('managerOf:requester');
    expect(await routing.textContent()).toContain('branchmgr');
    expect(await branchmgr.locator('#snapshot_customerName').inputValue()).toBe('Globex Industrial');
    await screenshot(branchmgr, 'task-page');
    await branchmgr.goto(`${stack.url}/admin/`);
    await decide(branchmgr, branchTask.id, 'Approve', 'within branch limits');

    const regionTask = await inboxTaskFor(await stack.as('regiondir'), recordId, 10_000);
    const regiondir = await signIn('regiondir');
    await decide(regiondir, regionTask.id, 'Approve', 'regional sign-off');

    await statusOf(api, recordId, 'approved', 10_000);
    await sales1.reload();
    await sales1.locator('[data-testid=record-status][data-status=approved]').waitFor({ timeout: 5000 });
    const decisions = sales1.locator('[data-testid=history-entry][data-action=approve]');
    expect(await decisions.count()).toBe(2);
    expect(await decisions.nth(0).textContent()).toContain('within branch limits');
    expect(await decisions.nth(0).getAttribute('data-actor')).toBe('branchmgr');
    expect(await decisions.nth(1).textContent()).toContain('regional sign-off');
    expect(await decisions.nth(1).getAttribute('data-actor')).toBe('regiondir');
  });

  it('shows a new assignment in the branch manager\'s notification bell', async () => {
    const branchmgr = await signIn('branchmgr');
    const before = Number(await branchmgr.getByTestId('bell-count').textContent());
    const { recordId } = await submitQuote(await stack.as('sales2'), 15, 40_000);
    const task = await inboxTaskFor(await stack.as('branchmgr'), recordId, 10_000);

    await eventually(async () => Number(await branchmgr.getByTestId('bell-count').textContent()) > before || null, 15_000);
    await branchmgr.getByTestId('bell').click();
    const item = branchmgr.locator('[data-testid=notification][data-kind="task.assigned"]').first();
    expect(await item.textContent()).toContain('sales2 asks for your approval');
    const unread = Number(await branchmgr.getByTestId('bell-count').textContent());
    await item.locator('button').click();
    await branchmgr.locator(`[data-testid=task-page][data-task-id="${task.id}"]`).waitFor({ timeout: 5000 });
    await eventually(async () => Number(await branchmgr.getByTestId('bell-count').textContent()) === unread - 1 || null, 5000);
  });

  it('pages through records and edits one with If-Match, showing a version conflict', async () => {
    const api = await stack.as('sales2');
    const ids: string[] = [];
    for (let i = 0; i < 21; i++) ids.push((await api.post('/api/records/quote', { customerName: `Paging ${i}`, lines: [{ product: 'P', quantity: 1, unitPrice: 1 }] })).body.id);
    const page = await signIn('sales2', '/admin/records/quote');
    const rows = page.getByTestId('record-row');
    await rows.first().waitFor({ timeout: 5000 });
    expect(await rows.count()).toBe(20);
    await page.getByTestId('next-page').click();
    await page.locator('[data-testid=record-row]', { hasText: 'Paging 0' }).waitFor({ timeout: 5000 });
    expect(await page.getByTestId('next-page').isDisabled()).toBe(true);
    await page.getByTestId('prev-page').click();
    await page.locator('[data-testid=record-row]', { hasText: 'Paging 20' }).waitFor({ timeout: 5000 });

    await page.locator('[data-testid=record-row]', { hasText: 'Paging 20' }).click();
    const form = page.getByTestId('edit-form');
    await form.locator('#root_customerName').fill('Paging twenty');
    await form.locator('button[type=submit]').click();
    await page.getByTestId('notice').filter({ hasText: 'Saved.' }).waitFor({ timeout: 5000 });
    const saved = await api.get(`/api/records/quote/${ids[20]}`);
    expect(saved.body).toMatchObject({ version: 2, data: { customerName: 'Paging twenty', status: 'draft' } });

    await api.patch(`/api/records/quote/${ids[20]}`, { total: 5 });
    await form.locator('#root_customerName').fill('Stale edit');
    await form.locator('button[type=submit]').click();
    await page.locator('[data-testid=record-error][data-code=PRECONDITION_FAILED]').waitFor({ timeout: 5000 });
    expect((await api.get(`/api/records/quote/${ids[20]}`)).body.data.customerName).toBe('Paging twenty');
  });

  it('shows config versions and their diff to an admin', async () => {
    const api = await stack.as('admin');
    const { version: _version, hash: _hash, ...bundle } = (await api.get('/api/config')).body;
    bundle.entities.quote.label.en = 'Offer';
    const published = await api.post('/api/config/publish', bundle);
    expect(published.status).toBe(201);

    const page = await signIn('admin', '/admin/config');
    await page.locator(`[data-testid=config-version][data-version="${published.body.version}"]`).waitFor({ timeout: 5000 });
    const diff = page.getByTestId('config-diff');
    await diff.waitFor({ timeout: 5000 });
    expect(await diff.textContent()).toContain('quote');
    expect(await diff.textContent()).toContain('/label/en');
    await page.getByTestId('nav-inbox').click();
    await page.getByTestId('scope-all').waitFor({ timeout: 5000 });
  });

  it('logged no console errors on any page of the tests above', () => {
    expect(pages.length).toBeGreaterThan(4);
    expect(errorsExcept(pages.flatMap((p) => p.consoleErrors), 412, 422)).toEqual([]); // the refused saves are provoked and asserted above
  });
});
