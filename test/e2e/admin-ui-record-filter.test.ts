import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startStack, type Stack } from '../support/stack.js';
import { launchChromium } from '../support/browser.js';
import { ensureAdminUiBuilt } from './ui-build.js';
import { chooseOption, errorsExcept, signIn, type UiPage } from './ui-helpers.js';

let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  [stack, browser] = await Promise.all([ensureAdminUiBuilt().then(() => startStack()), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const pages: UiPage[] = [];

describe('the record list filter builder in Chromium', { timeout: 90_000 }, () => {
  it('filters customers by a text and a number condition, kept in the URL; a value of the wrong type is refused in place', async () => {
    const api = await stack.as('admin');
    for (const [name, creditLine] of [['Filter Alpha', 500000], ['Filter Beta', 1000], ['Other Gamma', 900000]] as const) {
      expect((await api.post('/api/records/customer', { name, creditLine })).status).toBe(201);
    }
    const ui = await signIn(browser, stack.url, 'admin', '/admin/records/customer');
    pages.push(ui);
    const { page } = ui;
    await page.getByTestId('filter-builder').waitFor({ timeout: 30_000 });
    const titles = async () => (await page.getByTestId('record-row').allTextContents()).map((t) => t.split(/\d{4}-/)[0]);

    await chooseOption(page, page.getByTestId('filter-field'), /^Name$/);
    await chooseOption(page, page.getByTestId('filter-op'), 'contains');
    await page.getByTestId('filter-value').fill('Filter');
    await page.getByTestId('filter-add').click();
    await page.waitForURL(/filter=/);
    await page.locator('[data-testid=record-row]', { hasText: 'Filter Beta' }).waitFor();
    expect(await page.locator('[data-testid=record-row]', { hasText: 'Other Gamma' }).count()).toBe(0);

    // the field list is long and virtual: search it, as a user would
    await page.getByTestId('filter-field').click();
    await page.keyboard.type('Credit');
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'Credit line (CNY)' }).click();
    await chooseOption(page, page.getByTestId('filter-op'), '≥');
    await page.getByTestId('filter-value').fill('lots');
    await page.getByTestId('filter-add').click();
    await page.getByTestId('filter-invalid').waitFor();
    await page.getByTestId('filter-value').fill('100000');
    await page.getByTestId('filter-add').click();
    const active = page.getByTestId('filter-active');
    await active.filter({ hasText: 'record.creditLine >= 100000.0' }).waitFor();
    await page.locator('[data-testid=record-row]', { hasText: 'Filter Beta' }).waitFor({ state: 'detached' });
    const shown = await page.getByTestId('record-row').count();
    expect(shown).toBe(1);
    expect((await titles())[0]).toContain('Filter Alpha');

    // the same list through the API with the filter the UI built
    const filter = new URL(page.url()).searchParams.get('filter')!;
    const listed = (await api.get(`/api/records/customer?filter=${encodeURIComponent(filter)}`)).body.items.map((r: { data: { name: string } }) => r.data.name);
    expect(listed).toEqual(['Filter Alpha']);

    await page.reload();
    await page.locator('[data-testid=record-row]', { hasText: 'Filter Alpha' }).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('record-row').count()).toBe(1);
    await active.locator('.ant-tag-close-icon').click();
    await page.locator('[data-testid=record-row]', { hasText: 'Other Gamma' }).waitFor();
  });

  it('left no console errors', () => {
    for (const ui of pages) expect(errorsExcept(ui.consoleErrors, 422)).toEqual([]);
  });
});
