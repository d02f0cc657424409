import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startStack, type Stack } from '../support/stack.js';
import { launchChromium } from '../support/browser.js';
import { ensureAdminUiBuilt } from './ui-build.js';
import { chooseOption, errorsExcept, screenshot, selectPopupsClosed, signIn, type UiPage } from './ui-helpers.js';

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
async function admin(path: string): Promise<Page> {
  const ui = await signIn(browser, stack.url, 'admin', path);
  pages.push(ui);
  return ui.page;
}

const pretty = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;
const antSelect = (page: Page, selector: string) => page.locator(selector).locator('xpath=ancestor::*[contains(@class,"ant-select")][1]');

/** Replaces the whole text of the CodeMirror editor `testId`, as pasting an edited definition would. */
async function replaceJson(page: Page, testId: string, text: string) {
  const content = page.getByTestId(`${testId}-content`);
  await content.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(text);
}

async function publishedChain(name: string) {
  const config = (await (await stack.as('admin')).get('/api/config')).body;
  return config.approvalChains[name];
}

// Browser flows against the real API, Temporal and PostgreSQL: 10-30 s alone, more when the suite shares two cores.
describe('admin configuration editors in Chromium', { timeout: 90_000 }, () => {
  it('adds a picklist field in the entity editor, previews, publishes; the record form offers it as a select; rollback, refused then forced', async () => {
    const page = await admin('/admin/config/edit/entities/customer');
    // the editor's chunks (CodeMirror, RJSF, ajv) load on the first visit: slow on a loaded machine
    await page.locator('[data-testid=field-row][data-field=name]').waitFor({ timeout: 30_000 });
    await page.getByTestId('add-field').click();
    const form = page.getByTestId('field-form');
    await form.getByTestId('field-name').fill('region');
    await chooseOption(page, form.getByTestId('field-type'), /^picklist$/);
    await form.getByTestId('field-label-en').fill('Region');
    await form.getByTestId('field-label-zh').fill('区域');
    await chooseOption(page, form.getByTestId('field-picklist'), '(priority)');
    await selectPopupsClosed(page); // both popups (type and picklist) may still be sliding out
    await form.getByTestId('field-save').click();
    await page.locator('.ant-drawer-open').waitFor({ state: 'detached' }); // closed, focus back on the page

    const row = page.locator('[data-testid=field-row][data-field=region]');
    await row.waitFor();
    expect(await row.textContent()).toContain('picklist');
    expect(await row.textContent()).toContain('区域');
    // the JSON beside the table follows: the field with its x-type, labels and picklist
    await page.locator('[data-testid=editor-json] .cm-content', { hasText: '"region"' }).waitFor({ state: 'attached' });
    // the preview renders it with the record form's picklist widget: a select over the picklist's values
    const preview = page.getByTestId('entity-preview');
    await preview.getByTestId('picklist-preview_region').waitFor();
    // it offers exactly the picklist's values, in its order; choosing one through the same widget is shown on the
    // record form below (in the preview, a re-render while the widgets load could drop a choice under load)
    await page.locator('#preview_region').click();
    const offered = page.locator('.ant-select-dropdown:visible .ant-select-item-option');
    await expect.poll(() => offered.allTextContents(), { timeout: 10_000 }).toEqual(['High', 'Medium', 'Normal', 'Low']);
    await page.keyboard.press('Escape');
    await selectPopupsClosed(page);

    await page.getByTestId('editor-publish').click();
    const published = page.getByTestId('editor-published');
    await page.locator('[data-testid=editor-published], [data-testid=editor-error]').first().waitFor({ timeout: 30_000 });
    const refusal = await page.getByTestId('editor-error').count() ? await page.getByTestId('editor-error').textContent() : null;
    expect(refusal).toBeNull();
    const version = Number(await published.getAttribute('data-version'));
    expect(version).toBeGreaterThan(1);
    const api = await stack.as('admin');
    const customer = (await api.get('/api/config')).body.entities.customer;
    expect(customer.schema.properties.region).toEqual({
      type: 'string', 'x-type': 'picklist', title: 'Region', 'x-label': { en: 'Region', zh: '区域' }, 'x-picklist': 'priority',
    });

    // the record form (same tab: the app reloaded the configuration on publish) has the field as a select
    await page.getByTestId('nav-records').click();
    await chooseOption(page, page.getByTestId('entity-picker'), 'Customer');
    await page.getByTestId('new-record').click();
    const create = page.getByTestId('create-form');
    await create.locator('#root_name').fill('Initech Regional');
    await create.getByTestId('picklist-root_region').waitFor();
    await chooseOption(page, antSelect(page, '#root_region'), 'High');
    await create.locator('button[type=submit]').click();
    await page.waitForURL(/\/admin\/records\/customer\/[0-9a-f-]{36}$/, { timeout: 10_000 });
    const id = new URL(page.url()).pathname.split('/').pop();
    expect((await api.get(`/api/records/customer/${id}`)).body.data).toMatchObject({ name: 'Initech Regional', region: 'high' });

    // versions: the diff names the field, and rolling back republishes the earlier version without it
    await page.getByTestId('nav-config').click();
    await page.locator(`[data-testid=config-version][data-version="${version}"]`).waitFor();
    await page.locator('[data-testid=config-diff]', { hasText: '/schema/properties/region' }).waitFor();
    await page.locator(`[data-testid=config-version][data-version="${version - 1}"]`).getByTestId('rollback').click();
    await page.getByTestId('rollback-confirm').click();
    // the stored customer has a region the earlier version does not allow: refused, with the records it would break
    const refused = page.getByTestId('config-error');
    await refused.waitFor({ timeout: 15_000 });
    expect(await refused.getAttribute('data-code')).toBe('INCOMPATIBLE_CHANGE');
    expect(await refused.textContent()).toContain('region');
    await page.getByTestId('rollback-force').click();
    await page.getByTestId('rollback-force-confirm').click();
    const rolledBack = page.getByTestId('rolled-back');
    await rolledBack.waitFor({ timeout: 15_000 });
    expect(Number(await rolledBack.getAttribute('data-version'))).toBe(version + 1);
    expect((await api.get('/api/config')).body.entities.customer.schema.properties.region).toBeUndefined();
  });

  it('edits a chain\'s threshold in the JSON and the diagram follows; validate puts a CEL error at its line', async () => {
    const page = await admin('/admin/config/edit/approvalChains/quote-discount');
    const branch = page.locator('[data-testid=diagram-node][data-id=branch]');
    await branch.waitFor({ timeout: 30_000 });
    expect(await branch.textContent()).toContain('record.discountPercent > 10.0');
    expect(await page.getByTestId('diagram-node').count()).toBe((await publishedChain('quote-discount')).steps.length + 2);

    const chain = await publishedChain('quote-discount');
    const raised = pretty(chain).replace('record.discountPercent > 10.0', 'record.discountPercent > 15.0');
    await replaceJson(page, 'editor-json', raised);
    await page.locator('[data-testid=diagram-node][data-id=branch]', { hasText: 'record.discountPercent > 15.0' }).waitFor();
    expect(await branch.textContent()).not.toContain('> 10.0');
    await page.getByTestId('editor-validate').click();
    await page.getByTestId('editor-valid').waitFor({ timeout: 10_000 });
    await page.getByTestId('editor-json-content').click();
    await page.keyboard.press('ControlOrMeta+Home'); // the JSON from its top, for the picture
    await screenshot(page, 'admin-chain-editor');

    // a field that does not exist, two steps down: the server's error lands on the item, its pointer and its line
    const broken = raised.replace('record.total > 500000.0', 'record.totl > 500000.0');
    await replaceJson(page, 'editor-json', broken);
    await page.getByTestId('editor-validate').click();
    const issue = page.locator('[data-testid=editor-issue][data-path="/approvalChains/quote-discount/steps/1/when"]');
    await issue.waitFor({ timeout: 10_000 });
    const whenLine = lineOf(broken, '"when": "(has(record.discountPercent) && record.discountPercent > 20.0)');
    expect(Number(await issue.getAttribute('data-line'))).toBe(whenLine);
    expect(await issue.textContent()).toContain(`line ${whenLine}`);
    expect(await issue.getAttribute('data-name')).toBe('quote-discount');
    // a click on the problem puts the cursor on that line, where the editor underlines it
    await issue.click();
    await page.locator('[data-testid=editor-json] .cm-activeLine', { hasText: 'record.totl' }).waitFor();
    await page.locator('[data-testid=editor-json] .cm-lintRange-error', { hasText: 'record.totl' }).first().waitFor();

    // the meta-schema check runs while typing: a mode the schema does not allow is flagged before any validate
    await replaceJson(page, 'editor-json', raised.replace('"mode": "any"', '"mode": "sometimes"'));
    await page.getByTestId('editor-live-issues').waitFor();
    expect((await publishedChain('quote-discount')).steps[0].when).toBe('has(record.discountPercent) && record.discountPercent > 10.0'); // nothing was published
  });

  it('shows a process as a diagram and simulates it with a script: the timeline of simulated days', async () => {
    const page = await admin('/admin/config/edit/processes/complaint-handling');
    await page.locator('[data-testid=diagram-node][data-id=k01-route-by-severity]').waitFor({ timeout: 30_000 });
    expect(await page.locator('.react-flow__edge').count()).toBeGreaterThan(2);
    await page.getByTestId('editor-simulate').click();

    await page.goto(`${stack.url}/admin/config/simulate?process=quote-approval`);
    await page.getByTestId('simulate-page').waitFor({ timeout: 30_000 });
    await replaceJson(page, 'sim-record', pretty({
      customerName: 'Globex Industrial', lines: [{ product: 'Compressor C-9', quantity: 25, unitPrice: 8000 }], discountPercent: 25, total: 200000,
    }));
    await replaceJson(page, 'sim-script', pretty({
      tasks: [{ step: 'branch', outcome: 'approve', after: 'PT2H', comment: 'fine' }, { step: 'region', outcome: 'approve', after: 'P2D' }],
    }));
    await page.getByTestId('sim-requester').fill('sales1');
    await page.getByTestId('sim-run').click();
    const status = page.getByTestId('sim-status');
    await status.waitFor({ timeout: 60_000 });
    expect(await status.getAttribute('data-status')).toBe('completed');
    const entries = page.getByTestId('sim-entry');
    expect(await entries.count()).toBeGreaterThan(2);
    expect(await page.getByTestId('sim-tasks').textContent()).toContain('branchmgr');
    // the region's decision came two simulated days in
    await page.locator('[data-testid=sim-tasks] tr', { hasText: 'region' }).filter({ hasText: '+2d' }).waitFor();
    await screenshot(page, 'admin-simulation');

    // a script naming a step the process does not have: 422 at its pointer, underlined in the script editor
    await replaceJson(page, 'sim-script', pretty({ tasks: [{ step: 'nowhere', outcome: 'approve' }] }));
    await page.getByTestId('sim-run').click();
    const error = page.getByTestId('sim-error');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toContain('/script/tasks/0/step');
    await page.locator('[data-testid=sim-script] .cm-lintRange-error').first().waitFor();
  });

  it('creates a new approval chain from its skeleton: a bad name refused, the diagram drawn, published', async () => {
    const page = await admin('/admin/config/edit/approvalChains');
    await page.getByTestId('editor-new').click({ timeout: 30_000 });
    await page.getByTestId('editor-new-name').fill('9 lives');
    await page.getByTestId('editor-new-create').click();
    await page.getByTestId('editor-new-error').waitFor();
    await page.getByTestId('editor-new-name').fill('quote-discount'); // taken
    await page.getByTestId('editor-new-create').click();
    expect(await page.getByTestId('editor-new-error').textContent()).toContain('exists');

    await page.getByTestId('editor-new-name').fill('spot-check');
    await page.getByTestId('editor-new-create').click();
    await page.locator('[data-testid=config-editor][data-name=spot-check]').waitFor();
    await page.locator('[data-testid=diagram-node][data-id=manager]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid=diagram-node][data-id="(start)"]').textContent()).toContain('submitted');
    expect(await page.getByTestId('editor-publish').textContent()).toContain('(1)');
    await page.getByTestId('editor-publish').click();
    await page.locator('[data-testid=editor-published], [data-testid=editor-error]').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('editor-error').count()).toBe(0);
    expect((await publishedChain('spot-check')).steps).toEqual([{ id: 'manager', name: { en: 'Manager', zh: '经理' }, approvers: { managerOf: 'requester' }, mode: 'any' }]);
    // published, it is an ordinary item of the list (no draft mark)
    expect(await page.locator('[data-testid=config-editor]').getAttribute('data-name')).toBe('spot-check');
  });

  it('left no console errors', () => {
    for (const ui of pages) expect(errorsExcept(ui.consoleErrors, 422)).toEqual([]);
  });
});
