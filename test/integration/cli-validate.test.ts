import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowcrm } from '../support/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowcrm-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function editJson(file: string, edit: (value: any) => void) {
  const value = JSON.parse(await readFile(file, 'utf8'));
  edit(value);
  await writeFile(file, JSON.stringify(value, null, 2));
}

describe('flowcrm validate', { timeout: 120_000 }, () => {
  it('passes on the starter pack with a summary line and exit code 0', async () => {
    const res = await flowcrm(['validate', 'schemas/starter-pack']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^schemas\/starter-pack: valid \(\d+ entities, \d+ approval chains, \d+ processes, \d+ roles\)\n$/);
  });

  it('prints each error of a broken copy as <file>: <path> <code> <message> and exits non-zero', async () => {
    const broken = join(dir, 'broken');
    await cp('schemas/starter-pack', broken, { recursive: true });
    await editJson(join(broken, 'approval-chains/quote-discount.json'), (chain) => {
      chain.steps[0].when = 'record.discountPercent >';
    });
    await editJson(join(broken, 'processes/quote-approval.json'), (process) => {
      process.steps[0].chain = 'no-such-chain';
    });
    await editJson(join(broken, 'entities/quote.json'), (entity) => {
      entity.titleField = 'nope';
    });
    const res = await flowcrm(['validate', broken]);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    const lines = res.stderr.trim().split('\n');
    expect(lines.at(-1)).toBe(`${broken}: ${lines.length - 1} errors`);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${broken}/approval-chains/quote-discount\\.json: /approvalChains/quote-discount/steps/0/when INVALID_EXPRESSION `)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${broken}/processes/quote-approval\\.json: /processes/quote-approval/steps/0/chain [A-Z_]+ `)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${broken}/entities/quote\\.json: /entities/quote/titleField [A-Z_]+ `)));
  });

  it('names the file that is not JSON', async () => {
    const bad = join(dir, 'bad-json');
    await cp('schemas/starter-pack', bad, { recursive: true });
    await writeFile(join(bad, 'roles.json'), '{ "admin": ');
    const res = await flowcrm(['validate', bad]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${bad}/roles.json: `);
  });

  it('fails with usage help on a missing argument', async () => {
    const res = await flowcrm(['validate']);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain("missing required argument 'dir'");
  });
});
