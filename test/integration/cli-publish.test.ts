import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { flowcrm } from '../support/cli.js';

let stack: Stack;
let dir: string;
let api: string[];
const admin = { FLOWCRM_USER: 'admin', FLOWCRM_PASSWORD: 'demo' };

beforeAll(async () => {
  stack = await startStack({ worker: false });
  dir = await mkdtemp(join(tmpdir(), 'flowcrm-cli-'));
  api = ['--url', stack.url];
});
afterAll(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function files(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      out[path.slice(root.length + 1)] = await readFile(path, 'utf8');
    }
  }
  return out;
}

async function editJson(file: string, edit: (value: any) => void) {
  const value = JSON.parse(await readFile(file, 'utf8'));
  edit(value);
  await writeFile(file, JSON.stringify(value, null, 2));
}

describe('flowcrm export, publish and diff against a running API', { timeout: 120_000 }, () => {
  it('exports the published configuration as a folder that validates and equals the starter pack', async () => {
    const out = join(dir, 'v1');
    const res = await flowcrm(['export', out, ...api, '--user', 'admin', '--password', 'demo']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^exported version 1 to .+ \(\d+ files\)\n$/);
    const exported = await files(out);
    expect(Object.keys(exported)).toEqual(expect.arrayContaining(['bundle.json', 'roles.json', 'entities/quote.json', 'approval-chains/quote-discount.json', 'processes/quote-approval.json']));
    expect(JSON.parse(exported['bundle.json'])).not.toHaveProperty('version');
    // Stable order: the leading keys first, then alphabetical.
    expect(Object.keys(JSON.parse(exported['entities/quote.json']))).toEqual(['label', 'titleField', 'schema', 'ui', 'indexes']);

    expect(await flowcrm(['validate', out])).toMatchObject({ code: 0 });
    expect(await flowcrm(['diff', out, 'schemas/starter-pack'])).toMatchObject({ code: 0, stdout: 'no changes\n' });

    const again = join(dir, 'v1-again');
    expect((await flowcrm(['export', again, ...api], { FLOWCRM_TOKEN: (await stack.as('admin')).token })).code).toBe(0);
    expect(await files(again)).toEqual(exported);
    const refused = await flowcrm(['export', again, ...api], admin);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not empty');
    expect((await flowcrm(['export', again, '--force', ...api], admin)).code).toBe(0);
  });

  it('publishes an edited folder as a new version and diffs versions through the API', async () => {
    const out = join(dir, 'v1');
    await editJson(join(out, 'entities/quote.json'), (entity) => {
      entity.label.en = 'Offer';
    });
    const res = await flowcrm(['publish', out, ...api], admin);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^published version 2 \(sha256:[0-9a-f]{64}\)\n$/);
    expect((await (await stack.as('admin')).get('/api/config')).body.entities.quote.label.en).toBe('Offer');

    expect(await flowcrm(['diff', '1', '2', ...api], admin)).toMatchObject({ code: 0, stdout: 'modified entity quote: /label/en\n' });
    expect(await flowcrm(['diff', 'schemas/starter-pack', '2', ...api], admin)).toMatchObject({ code: 0, stdout: 'modified entity quote: /label/en\n' });
    const json = await flowcrm(['diff', '2', '1', '--json', ...api], admin);
    expect(JSON.parse(json.stdout)).toEqual([{ kind: 'entity', name: 'quote', change: 'modified', paths: ['/label/en'] }]);
  });

  it('prints refused publishes with the file of each problem, and publishes with a backfill', async () => {
    const sales1 = await stack.as('sales1');
    expect((await sales1.post('/api/records/quote', { customerName: 'A', lines: [{ product: 'P', quantity: 1, unitPrice: 1 }] })).status).toBe(201);
    const out = join(dir, 'v1');
    await editJson(join(out, 'entities/quote.json'), (entity) => {
      entity.schema.properties.region = { type: 'string' };
      entity.schema.required.push('region');
    });
    const refused = await flowcrm(['publish', out, ...api], admin);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${out}/entities/quote.json: /entities/quote/schema/properties/region REQUIRED_FIELD_ADDED quote: region is now required and has no default (1 records)\n`);
    expect(refused.stderr).toContain('publish refused: 422 INCOMPATIBLE_CHANGE');

    const res = await flowcrm(['publish', out, ...api, '--backfill', '{"quote":{"region":"east"}}'], admin);
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe(`${res.stdout.split('\n')[0]}\nbackfilled quote.region on 1 records\n`);
    expect(res.stdout).toMatch(/^published version 3 /);

    await editJson(join(out, 'processes/quote-approval.json'), (process) => {
      process.steps[0].chain = 'nope';
    });
    const invalid = await flowcrm(['publish', out, ...api], admin);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain(`${out}/processes/quote-approval.json: /processes/quote-approval/steps/0/chain UNKNOWN_CHAIN `);
  });

  it('refuses without credentials and with wrong ones', async () => {
    const none = await flowcrm(['export', join(dir, 'x'), ...api]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('credentials needed');
    const wrong = await flowcrm(['publish', 'schemas/starter-pack', ...api, '--user', 'admin', '--password', 'nope']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('login as admin failed: 401');
    const forbidden = await flowcrm(['publish', 'schemas/starter-pack', ...api, '--user', 'sales1', '--password', 'demo']);
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toContain('403 FORBIDDEN');
  });
});
