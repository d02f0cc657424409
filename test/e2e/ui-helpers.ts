import { mkdirSync } from 'node:fs';
import { expect } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';

export const artifacts = 'test/artifacts';

export interface UiPage { page: Page; consoleErrors: string[] }

/** A fresh context (own localStorage) whose console errors and uncaught exceptions are collected. */
export async function openPage(browser: Browser, viewport = { width: 1280, height: 1000 }): Promise<UiPage> {
  const page = await (await browser.newContext({ viewport })).newPage();
  page.setDefaultTimeout(8000); // a missing element fails the step that waits for it, naming the locator
  const consoleErrors: string[] = [];
  page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  // Chromium's "Failed to load resource" console line has no URL: name the failed request next to it.
  page.on('response', (response) => { if (response.status() >= 400) consoleErrors.push(`HTTP ${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`); });
  return { page, consoleErrors };
}

/** Opens `path` and signs in through the sign-in form; resolves once the header shows the user. */
export async function signIn(browser: Browser, baseUrl: string, username: string, path = '/admin/', viewport?: { width: number; height: number }): Promise<UiPage> {
  const ui = await openPage(browser, viewport);
  await ui.page.goto(`${baseUrl}${path}`);
  await fillSignIn(ui.page, username);
  await ui.page.getByTestId('me').filter({ hasText: username }).waitFor({ state: 'attached', timeout: 10_000 }); // hidden at phone width
  return ui;
}

export async function fillSignIn(page: Page, username: string, password = 'demo'): Promise<void> {
  await page.locator('input[name=username]').waitFor({ timeout: 10_000 });
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
}

/** Chooses `label` in an antd Select (opened by clicking it; options render in a popup). */
export async function chooseOption(page: Page, select: Locator, label: string | RegExp): Promise<void> {
  await select.click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: label }).first().click();
}

/** Waits until no select popup is visible: one that closes slides out for a while, and two can slide out at once. */
export async function selectPopupsClosed(page: Page): Promise<void> {
  await expect.poll(() => page.locator('.ant-select-dropdown:visible').count(), { timeout: 10_000 }).toBe(0);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: `${artifacts}/${name}.png`, fullPage: true });
}

/** The collected errors minus the failed requests a test provokes on purpose (by HTTP status). */
export function errorsExcept(errors: string[], ...statuses: number[]): string[] {
  return errors.filter((e) => !statuses.some((s) => e.includes(`status of ${s} `) || e.startsWith(`HTTP ${s} `) || e.includes(`: HTTP ${s} `)));
}
