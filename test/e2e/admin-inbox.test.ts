import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startStack, type Stack } from '../support/stack.js';
import { launchChromium } from '../support/browser.js';
import { submitQuote, inboxTaskFor, statusOf } from '../support/quotes.js';

let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('admin UI inbox in Chromium', () => {
  it('lets the branch manager sign in, see the quote and approve it', async () => {
    const sales1 = await stack.as('sales1');
    const { recordId } = await submitQuote(sales1, 15, 30_000);
    const task = await inboxTaskFor(await stack.as('branchmgr'), recordId);

    const page = await browser.newPage();
    await page.goto(`${stack.url}/admin/`);
    await page.fill('input[name=username]', 'branchmgr');
    await page.fill('input[name=password]', 'demo');
    await page.click('button[type=submit]');
    const row = page.locator(`tr[data-task-id="${task.id}"]`);
    await row.waitFor({ timeout: 5000 });
    expect(await row.textContent()).toContain('Acme Trading');
    await row.locator('input[name=comment]').fill('approved in the browser');
    await row.locator('button[data-outcome=approve]').click();
    await row.waitFor({ state: 'detached', timeout: 5000 });

    const approved = await statusOf(sales1, recordId, 'approved');
    expect(approved.data.status).toBe('approved');
    const history = await sales1.get(`/api/records/quote/${recordId}/history`);
    expect(history.body.items).toContainEqual(expect.objectContaining({ action: 'approve', actor: 'branchmgr', comment: 'approved in the browser' }));
  });

  it('shows the error of a wrong password', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.url}/admin/`);
    await page.fill('input[name=username]', 'branchmgr');
    await page.fill('input[name=password]', 'nope');
    await page.click('button[type=submit]');
    await page.locator('#login-error').filter({ hasText: /./ }).waitFor({ timeout: 5000 });
    expect(await page.textContent('#login-error')).toContain('wrong password');
  });
});
