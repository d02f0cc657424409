import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startStack, type Stack } from '../support/stack.js';
import { launchChromium } from '../support/browser.js';
import { submitQuote, inboxTaskFor, statusOf } from '../support/quotes.js';
import { ensureAdminUiBuilt } from './ui-build.js';
import { errorsExcept, fillSignIn, openPage } from './ui-helpers.js';

let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  [stack, browser] = await Promise.all([ensureAdminUiBuilt().then(() => startStack()), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

// Multi-user browser flows: 10-20 s alone, longer when the whole suite shares two cores.
describe('admin UI inbox in Chromium', { timeout: 60_000 }, () => {
  it('lets the branch manager sign in, see the quote and approve it', async () => {
    const sales1 = await stack.as('sales1');
    const { recordId } = await submitQuote(sales1, 15, 30_000);
    const task = await inboxTaskFor(await stack.as('branchmgr'), recordId);

    const { page, consoleErrors } = await openPage(browser);
    await page.goto(`${stack.url}/admin/`);
    await fillSignIn(page, 'branchmgr');
    const row = page.locator(`[data-testid=inbox-row][data-task-id="${task.id}"]`);
    await row.waitFor({ timeout: 5000 });
    await row.locator('[data-testid=record-title]', { hasText: 'Acme Trading' }).waitFor({ timeout: 5000 });
    expect(await row.textContent()).toContain('Acme Trading');

    await row.click();
    const decision = page.getByTestId('decision-form');
    await decision.getByRole('radio', { name: 'Approve' }).check();
    await decision.locator('textarea').fill('approved in the browser');
    await decision.locator('button[type=submit]').click();
    await page.getByTestId('inbox').waitFor({ timeout: 5000 });
    await row.waitFor({ state: 'detached', timeout: 5000 });

    const approved = await statusOf(sales1, recordId, 'approved');
    expect(approved.data.status).toBe('approved');
    const history = await sales1.get(`/api/records/quote/${recordId}/history`);
    expect(history.body.items).toContainEqual(expect.objectContaining({ action: 'approve', actor: 'branchmgr', comment: 'approved in the browser' }));
    expect(consoleErrors).toEqual([]);
  });

  it('shows the error of a wrong password', async () => {
    const { page, consoleErrors } = await openPage(browser);
    await page.goto(`${stack.url}/admin/`);
    await fillSignIn(page, 'branchmgr', 'nope');
    await page.locator('#login-error').filter({ hasText: /./ }).waitFor({ timeout: 5000 });
    expect(await page.textContent('#login-error')).toContain('wrong password');
    expect(errorsExcept(consoleErrors, 401)).toEqual([]); // the refused login itself is a 401
  });

  it('serves index.html for unknown /admin/* paths and 404 for a missing asset', async () => {
    const deep = await fetch(`${stack.url}/admin/tasks/some-task-id`);
    expect(deep.status).toBe(200);
    expect(deep.headers.get('content-type')).toContain('text/html');
    expect(await deep.text()).toContain('<div id="root">');
    expect((await fetch(`${stack.url}/admin/assets/nope-123.js`)).status).toBe(404);
  });
});
