import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startStack, type Stack } from '../support/stack.js';
import { launchChromium } from '../support/browser.js';
import { publishVariant } from '../support/config.js';
import { inboxTaskFor, statusOf } from '../support/quotes.js';
import { ensureAdminUiBuilt } from './ui-build.js';
import { chooseOption, screenshot, signIn, type UiPage } from './ui-helpers.js';

let stack: Stack;
let browser: Browser;
let customerId: string;
const pages: UiPage[] = [];

/** The starter quote plus one field for each widget the rep uses: money, reference, picklist, date. */
function addWidgetFields(bundle: any): void {
  Object.assign(bundle.entities.quote.schema.properties, {
    listPrice: {
      type: 'object', 'x-type': 'money', title: 'List price', 'x-label': { en: 'List price', zh: '标价' }, additionalProperties: false,
      properties: { amount: { type: 'number', minimum: 0 }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
    },
    customer: { type: 'string', format: 'uuid', 'x-type': 'reference', 'x-ref': 'customer', title: 'Customer record', 'x-label': { en: 'Customer record', zh: '客户档案' } },
    priority: { type: 'string', 'x-type': 'picklist', 'x-picklist': 'priority', title: 'Priority', 'x-label': { en: 'Priority', zh: '优先级' } },
    validUntil: { type: 'string', format: 'date', 'x-type': 'date', title: 'Valid until', 'x-label': { en: 'Valid until', zh: '有效期至' } },
  });
  bundle.entities.customer.schema.properties.channels = {
    type: 'array', items: { type: 'string' }, 'x-type': 'multiselect', 'x-picklist': 'customer-source', title: 'Channels', 'x-label': { en: 'Channels', zh: '渠道' },
  };
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([ensureAdminUiBuilt().then(() => startStack()), launchChromium()]);
  await publishVariant(stack, addWidgetFields);
  const created = await (await stack.as('sales1')).post('/api/records/customer', { name: 'Globex Industrial' });
  expect(created.status).toBe(201);
  customerId = created.body.id;
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function as(username: string, path?: string, viewport?: { width: number; height: number }): Promise<Page> {
  const ui = await signIn(browser, stack.url, username, path, viewport);
  pages.push(ui);
  return ui.page;
}

async function createQuote(page: Page, customerName: string): Promise<string> {
  const form = page.getByTestId('create-form');
  await form.locator('#root_customerName').fill(customerName);
  if (await form.locator('#root_lines_0_product').count() === 0) await form.locator('#root_lines__add').click();
  await form.locator('#root_lines_0_product').fill('Compressor C-9');
  await form.locator('#root_lines_0_quantity').fill('25');
  await form.locator('#root_lines_0_unitPrice').fill('8000');
  await form.locator('#root_discountPercent').fill('15');
  await form.locator('#root_total').fill('200000');
  await chooseOption(page, form.locator('#root_listPrice_currency').locator('xpath=ancestor::*[contains(@class,"ant-select")][1]'), 'USD');
  await form.locator('#root_listPrice_amount').fill('235000');
  await form.locator('#root_customer').click();
  await form.locator('#root_customer').fill('Glob');
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'Globex Industrial' }).click();
  await chooseOption(page, form.locator('#root_priority').locator('xpath=ancestor::*[contains(@class,"ant-select")][1]'), 'High');
  await form.locator('#root_validUntil').fill('2027-01-31');
  await form.locator('#root_validUntil').press('Tab'); // Enter would also submit the form
  await form.locator('button[type=submit]').click();
  await page.waitForURL(/\/admin\/records\/quote\/[0-9a-f-]{36}$/, { timeout: 10_000 });
  return new URL(page.url()).pathname.split('/').pop() as string;
}

// Multi-user browser flows: 10-20 s alone, longer when the whole suite shares two cores.
describe('a quote through the admin UI, as each user does it', { timeout: 60_000 }, () => {
  it('the rep creates a quote with the widgets, submits it and cannot edit the locked fields', async () => {
    const rep = await as('sales1', '/admin/records/quote/new'); // a deep link survives the sign-in
    expect(new URL(rep.url()).pathname).toBe('/admin/records/quote/new');
    expect(await rep.locator('#root_discountPercent').locator('xpath=ancestor::*[contains(@class,"ant-input-number")][1]').textContent()).toContain('%');
    const recordId = await createQuote(rep, 'Globex Industrial');

    const api = await stack.as('sales1');
    const created = (await api.get(`/api/records/quote/${recordId}`)).body;
    expect(created.data).toMatchObject({
      customerName: 'Globex Industrial', discountPercent: 15, total: 200000, listPrice: { amount: 235000, currency: 'USD' },
      customer: customerId, priority: 'high', validUntil: '2027-01-31', status: 'draft',
    });

    await rep.locator('[data-testid=submit-for-approval][data-process=quote-approval]').click();
    await rep.getByTestId('process-panel').waitFor({ timeout: 10_000 });
    await rep.locator('[data-testid=record-status][data-status=pending_approval]').waitFor({ timeout: 10_000 });
    expect(await rep.getByTestId('submit-for-approval').count()).toBe(0);
    expect(await rep.getByTestId('running-process').textContent()).toContain('Quote approval');
    expect(await rep.getByTestId('waiting-for').first().textContent()).toContain('branchmgr');
    const locked = rep.getByTestId('locked-fields');
    expect(await locked.getAttribute('data-fields')).toBe('lines,discountPercent,total');
    expect(await locked.textContent()).toContain('Discount (%)');
    const edit = rep.getByTestId('edit-form');
    for (const id of ['#root_discountPercent', '#root_total', '#root_lines_0_quantity', '#root_lines_0_unitPrice']) {
      expect(await edit.locator(id).isEditable(), id).toBe(false);
    }
    expect(await edit.locator('#root_customerName').isEditable()).toBe(true);
    await screenshot(rep, 'record-page-pending');
  });

  it('the branch manager approves it from the inbox; the rep sees the decision on the timeline', async () => {
    const rep = await as('sales1', '/admin/records/quote/new');
    const recordId = await createQuote(rep, 'Initech Pumps');
    await rep.locator('[data-testid=submit-for-approval][data-process=quote-approval]').click();
    await rep.getByTestId('process-panel').waitFor({ timeout: 10_000 });

    const task = await inboxTaskFor(await stack.as('branchmgr'), recordId, 10_000);
    const manager = await as('branchmgr');
    const row = manager.locator(`[data-testid=inbox-row][data-task-id="${task.id}"]`);
    await row.locator('[data-testid=record-title]', { hasText: 'Initech Pumps' }).waitFor({ timeout: 10_000 });
    await screenshot(manager, 'inbox');
    await row.click();
    const decision = manager.getByTestId('decision-form');
    await decision.getByRole('radio', { name: 'Approve' }).check();
    await decision.locator('textarea').fill('within branch limits');
    await decision.locator('button[type=submit]').click();
    await manager.getByTestId('inbox').waitFor({ timeout: 10_000 });
    await statusOf(await stack.as('sales1'), recordId, 'approved', 10_000);

    await rep.reload();
    await rep.locator('[data-testid=record-status][data-status=approved]').waitFor({ timeout: 10_000 });
    const approval = rep.locator('[data-testid=history-entry][data-action=approve]');
    await approval.waitFor({ timeout: 10_000 });
    expect(await approval.getAttribute('data-actor')).toBe('branchmgr');
    expect(await approval.getByTestId('history-comment').textContent()).toBe('within branch limits');
    expect(await rep.getByTestId('locked-fields').count()).toBe(0);
    expect(await rep.getByTestId('edit-form').locator('#root_discountPercent').isEditable()).toBe(true);
    await screenshot(rep, 'record-page-approved');
  });

  it('in Chinese shows the configuration\'s zh labels, antd\'s zh_CN texts, and keeps the choice', async () => {
    const rep = await as('sales1', '/admin/records/quote');
    await rep.getByTestId('record-row').first().waitFor({ timeout: 10_000 });
    await rep.getByTestId('language-switch').getByText('中文').click();
    const headers = rep.locator('[data-testid=records-table] thead th');
    await headers.filter({ hasText: '客户' }).first().waitFor({ timeout: 5000 });
    const titles = await headers.allTextContents();
    expect(titles).toEqual(expect.arrayContaining(['客户', '状态', '总额', '更新时间']));
    expect(titles).not.toContain('customerName');
    expect(await rep.getByTestId('entity-picker').textContent()).toContain('报价单');
    expect(await rep.getByTestId('nav-inbox').textContent()).toBe('待办');

    await rep.locator('[data-testid=record-row]', { hasText: 'Initech Pumps' }).click();
    await rep.locator('[data-testid=record-status][data-status=approved]').filter({ hasText: '已批准' }).waitFor({ timeout: 10_000 });
    const form = rep.getByTestId('edit-form');
    for (const label of ['客户', '明细', '产品', '数量', '单价', '折扣（%）', '总额', '标价', '优先级', '有效期至']) {
      expect(await form.locator('label', { hasText: label }).count(), label).toBeGreaterThan(0);
    }
    expect(await form.textContent()).toContain('明细-1'); // array items are titled from the localized schema
    expect(await form.locator('#root_priority').locator('xpath=ancestor::*[contains(@class,"ant-select")][1]').textContent()).toContain('高');
    expect(await rep.locator('[data-testid=history-entry][data-action=approve]').textContent()).toContain('批准');
    expect(await rep.locator('.ant-breadcrumb').textContent()).toContain('报价单列表');
    await screenshot(rep, 'record-page-zh');
    await form.locator('#root_validUntil').click();
    await rep.locator('.ant-picker-dropdown:visible', { hasText: '今天' }).waitFor({ timeout: 5000 }); // antd zh_CN
    await rep.keyboard.press('Escape');

    await rep.reload();
    await rep.locator('[data-testid=record-status]').filter({ hasText: '已批准' }).waitFor({ timeout: 10_000 });
    expect(await rep.evaluate(() => localStorage.getItem('flowcrm-locale'))).toBe('zh');
  });

  it('the rep creates a customer with the picklist, multiselect, phone and user widgets', async () => {
    const page = await as('sales1', '/admin/records/customer/new');
    const form = page.getByTestId('create-form');
    const select = (id: string) => form.locator(id).locator('xpath=ancestor::*[contains(@class,"ant-select")][1]');
    await form.locator('#root_name').fill('Umbrella Retail');
    await chooseOption(page, select('#root_type'), 'Distributor');
    await chooseOption(page, select('#root_tier'), 'B: regular');
    await chooseOption(page, select('#root_channels'), 'Website');
    await chooseOption(page, select('#root_channels'), 'Trade show');
    await page.keyboard.press('Escape');
    await form.locator('#root_phone').fill('+86 21 5555 0100');
    expect(await form.locator('#root_phone').getAttribute('type')).toBe('tel');
    // the picker lists the user directory, not only me and my manager
    await select('#root_owner').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="collector1"]').waitFor();
    await page.keyboard.press('Escape');
    // a sales rep may not give a record to someone else (owner transfer, decision 0100): the rep keeps it
    await chooseOption(page, select('#root_owner'), 'sales1 (me)');
    await form.locator('button[type=submit]').click();
    await page.waitForURL(/\/admin\/records\/customer\/[0-9a-f-]{36}$/, { timeout: 10_000 });
    const id = new URL(page.url()).pathname.split('/').pop();
    const saved = (await (await stack.as('sales1')).get(`/api/records/customer/${id}`)).body;
    expect(saved.data).toMatchObject({ name: 'Umbrella Retail', type: 'distributor', tier: 'B', channels: ['website', 'trade-show'], phone: '+86 21 5555 0100', owner: 'sales1' });
    const edit = page.getByTestId('edit-form').locator('#root_tier').locator('xpath=ancestor::*[contains(@class,"ant-select")][1]');
    expect(await edit.textContent()).toContain('B: regular'); // the edit form shows the label, not the stored value
  });

  it('sorts the list by a column on the server and keeps the sort in the URL', async () => {
    const api = await stack.as('sales2');
    for (const [name, total] of [['Sort C', 300], ['Sort A', 100], ['Sort B', 200]] as const) {
      expect((await api.post('/api/records/quote', { customerName: name, lines: [{ product: 'P', quantity: 1, unitPrice: total }], total })).status).toBe(201);
    }
    const page = await as('sales2', '/admin/records/quote');
    await page.getByTestId('record-row').first().waitFor();
    const header = page.locator('[data-testid=records-table] thead th', { hasText: 'Total' });
    await header.click();
    await page.waitForURL(/sort=total$/);
    const totals = async () => {
      await page.getByTestId('record-row').first().waitFor();
      return (await page.locator('[data-testid=record-row]').allTextContents()).map((t) => t.match(/Sort ([ABC])/)?.[1]).filter(Boolean);
    };
    await page.locator('[data-testid=record-row]').first().filter({ hasText: 'Sort A' }).waitFor();
    expect(await totals()).toEqual(['A', 'B', 'C']);
    await header.click();
    await page.waitForURL(/sort=-total$/);
    await page.reload(); // the sort is in the URL
    await page.getByTestId('record-row').first().waitFor();
    const column = (await page.locator('[data-testid=records-table] thead th').allTextContents()).indexOf('Total') + 1;
    expect(column).toBeGreaterThan(0);
    const cells = await page.locator(`[data-testid=record-row] td:nth-child(${column})`).allTextContents();
    const descending = cells.map((c) => Number(c.replace(/,/g, '')));
    expect(descending.length).toBeGreaterThanOrEqual(3);
    expect(descending.every((n) => Number.isFinite(n))).toBe(true);
    expect([...descending].sort((a, b) => b - a)).toEqual(descending);
    expect(descending).toContain(300);
  });

  it('logged no console errors on any page', () => {
    expect(pages.length).toBeGreaterThanOrEqual(4);
    expect(pages.flatMap((p) => p.consoleErrors)).toEqual([]);
  });
});
