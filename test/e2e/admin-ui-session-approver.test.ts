import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startStack, type Stack } from '../support/stack.js';
import { launchChromium } from '../support/browser.js';
import { inboxTaskFor, statusOf, submitQuote } from '../support/quotes.js';
import { ensureAdminUiBuilt } from './ui-build.js';
import { errorsExcept, fillSignIn, screenshot, signIn, type UiPage } from './ui-helpers.js';

let stack: Stack;
let browser: Browser;
const pages: UiPage[] = [];
const phone = { width: 375, height: 740 };

beforeAll(async () => {
  [stack, browser] = await Promise.all([ensureAdminUiBuilt().then(() => startStack()), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function as(username: string, path?: string, viewport?: { width: number; height: number }): Promise<UiPage> {
  const ui = await signIn(browser, stack.url, username, path, viewport);
  pages.push(ui);
  return ui;
}

describe('session', () => {
  it('keeps the user signed in across a reload and a deep link opened in a new tab', async () => {
    const { page } = await as('sales1', '/admin/records/quote');
    await page.getByTestId('records-page').waitFor();
    await page.reload();
    await page.getByTestId('me').filter({ hasText: 'sales1' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/records/quote');

    const tab = await page.context().newPage();
    await tab.goto(`${stack.url}/admin/config`);
    await tab.getByTestId('me').filter({ hasText: 'sales1' }).waitFor({ timeout: 8000 });
    expect(await tab.locator('input[name=password]').count()).toBe(0);
  });

  it('sends the user to sign-in when the token has expired, and back to the page they were on', async () => {
    const ui = await signIn(browser, stack.url, 'sales1', '/admin/records/quote'); // not in `pages`: its 401s are on purpose
    const { page } = ui;
    await page.getByTestId('records-page').waitFor();
    await page.evaluate(() => localStorage.setItem('flowcrm-token', 'expired.token.value'));
    await page.getByTestId('nav-delegations').click(); // the page's first call answers 401
    await page.waitForURL(/\/admin\/login\?/, { timeout: 8000 });
    const url = new URL(page.url());
    expect(url.searchParams.get('next')).toBe('/delegations');
    expect(url.searchParams.get('expired')).toBe('1');
    await page.getByTestId('session-expired').waitFor();

    await page.goto(`${stack.url}/admin/records/quote?sort=-total`); // a deep link while the token is bad
    await page.waitForURL(/\/admin\/login\?/, { timeout: 8000 });
    expect(new URL(page.url()).searchParams.get('next')).toBe('/records/quote?sort=-total');
    await fillSignIn(page, 'sales1');
    await page.getByTestId('records-page').waitFor({ timeout: 8000 });
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/admin/records/quote?sort=-total');
    expect(errorsExcept(ui.consoleErrors, 401)).toEqual([]);
    expect(ui.consoleErrors.filter((e) => e.startsWith('HTTP 401')).length).toBeGreaterThan(0);
  });
});

// Multi-user browser flows: 10-20 s alone, longer when the whole suite shares two cores.
describe('approver and requester', { timeout: 60_000 }, () => {
  it('the inbox works at phone width: the row fits, opens, and the decision is taken there', async () => {
    const { recordId } = await submitQuote(await stack.as('sales2'), 15, 40_000);
    const task = await inboxTaskFor(await stack.as('branchmgr'), recordId, 10_000);
    const { page } = await as('branchmgr', '/admin/', phone);
    const row = page.locator(`[data-testid=inbox-row][data-task-id="${task.id}"]`);
    await row.waitFor();
    const box = await row.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= phone.width).toBe(true);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(phone.width);
    await screenshot(page, 'inbox-phone');

    await row.click();
    await page.getByTestId('task-page').waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(phone.width);
    const decision = page.getByTestId('decision-form');
    await decision.getByRole('radio', { name: 'Approve' }).check();
    await decision.locator('textarea').fill('approved on the phone');
    await decision.locator('button[type=submit]').click();
    await page.getByTestId('inbox').waitFor();
    await statusOf(await stack.as('sales2'), recordId, 'approved', 10_000);
  });

  it('the requester recalls a pending quote from its record page', async () => {
    const sales2 = await stack.as('sales2');
    const { recordId, processId } = await submitQuote(sales2, 15, 50_000);
    await inboxTaskFor(await stack.as('branchmgr'), recordId, 10_000);
    const { page } = await as('sales2', `/admin/records/quote/${recordId}`);
    await page.getByTestId('process-panel').waitFor({ timeout: 8000 });
    // the branch task was just created: its SLA clock runs with its time left in days and hours
    const clock = page.getByTestId('sla-clock').first();
    await clock.waitFor({ timeout: 10_000 });
    expect(await clock.getAttribute('data-state')).toBe('ok');
    expect(await clock.textContent()).toMatch(/^\d+d( \d+h)?( \d+m)? left$/);
    await page.getByTestId('recall').click();
    await page.getByTestId('recall-confirm').click();
    await page.locator('[data-testid=record-status][data-status=draft]').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid=submit-for-approval][data-process=quote-approval]').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('process-panel').count()).toBe(0);
    const process = await sales2.get(`/api/processes/${encodeURIComponent(processId)}`);
    expect(process.body.status).not.toBe('running');
    expect((await sales2.get(`/api/records/quote/${recordId}`)).body.locks).toEqual({ fields: [], processIds: [] });
  });

  it('another user sees no recall button on someone else\'s request', async () => {
    const { recordId } = await submitQuote(await stack.as('sales2'), 15, 60_000);
    const { page } = await as('regiondir', `/admin/records/quote/${recordId}`);
    await page.getByTestId('process-panel').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('recall').count()).toBe(0);
  });

  it('the manager delegates approvals for a period, sees the error of delegating to herself, and revokes it', async () => {
    const { page } = await as('branchmgr', '/admin/delegations');
    const form = page.getByTestId('delegation-form');
    await form.locator('#delegation-to').fill('branchmgr');
    await page.getByTestId('delegation-submit').click();
    await page.locator('[data-testid=delegation-error][data-code=VALIDATION_FAILED]').waitFor();
    expect(await form.locator('.ant-form-item-explain-error').textContent()).toContain('same as from');

    await form.locator('#delegation-to').fill('regiondir');
    await form.locator('#delegation-reason').fill('annual leave');
    await page.getByTestId('delegation-submit').click();
    await page.getByTestId('delegation-saved').waitFor();
    const row = page.locator('[data-testid=delegation-row][data-to=regiondir]');
    await row.waitFor();
    expect(await row.textContent()).toContain('annual leave');
    const api = await stack.as('branchmgr');
    const listed = (await api.get('/api/delegations')).body.items as { to: string; reason: string; startsAt: string; endsAt: string }[];
    const created = listed.find((d) => d.to === 'regiondir');
    expect(created?.reason).toBe('annual leave');
    const days = (new Date(created!.endsAt).getTime() - new Date(created!.startsAt).getTime()) / 86_400_000;
    expect(Math.round(days)).toBe(7);

    await row.getByTestId('revoke').click();
    await page.locator('.ant-popconfirm:visible .ant-btn-primary').click();
    await row.waitFor({ state: 'detached' });
    expect(((await api.get('/api/delegations')).body.items as { to: string }[]).some((d) => d.to === 'regiondir')).toBe(false);
  });

  it('logged no console errors on any page (but the provoked ones)', () => {
    expect(pages.length).toBeGreaterThanOrEqual(5);
    expect(errorsExcept(pages.flatMap((p) => p.consoleErrors), 422)).toEqual([]); // the refused self-delegation
  });
});
