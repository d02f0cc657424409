import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readBundleFolder, starterPackDir } from '../../engine/config-folder.js';
import { ConfigErrorCode } from '../../engine/domain/config/codes.js';
import { validateBundle } from '../../engine/domain/config/validate-bundle.js';

const fixtureDir = fileURLToPath(new URL('../fixtures/invalid-config/', import.meta.url));

interface Fixture {
  bundle: unknown;
  errors: { code: string; path: string }[];
}

const fixtures = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => [file.replace(/\.json$/, ''), JSON.parse(readFileSync(fixtureDir + file, 'utf8')) as Fixture] as const);

const pairs = (errors: { code: string; path: string }[]) => errors.map((e) => `${e.code} ${e.path}`).sort();

async function starterPack(): Promise<Record<string, unknown>> {
  return (await readBundleFolder(starterPackDir)).bundle;
}

describe('the starter pack', () => {
  it('validates', async () => {
    expect(validateBundle(await starterPack())).toEqual({ valid: true, errors: [] });
  });

  it('is read into the one-object bundle with a file for each item', async () => {
    const { bundle, files } = await readBundleFolder(starterPackDir);
    expect(Object.keys(bundle.entities as object)).toEqual(expect.arrayContaining(['customer', 'opportunity', 'project', 'quote', 'receivable']));
    expect(Object.keys(bundle.approvalChains as object)).toContain('quote-discount');
    expect(Object.keys(bundle.picklists as object)).toEqual(expect.arrayContaining(['customer-source', 'customer-tier', 'customer-type', 'lost-reason', 'priority', 'service-source', 'technician-skill']));
    expect(Object.keys(bundle.processes as object)).toEqual(expect.arrayContaining(['blacklist-customer', 'collections-escalation', 'customer-review', 'quote-approval']));
    expect(Object.keys(bundle.calendars as object)).toEqual(['business']);
    expect(bundle.schemaVersion).toBe(1);
    expect(files.get('/entities/quote')).toMatch(/starter-pack\/entities\/quote\.json$/);
    expect(files.get('/picklists/customer-tier')).toMatch(/starter-pack\/picklists\/customer-tier\.json$/);
    expect(files.get('/approvalChains/quote-discount')).toMatch(/approval-chains\/quote-discount\.json$/);
  });

  it('still validates with the version added by GET /api/config', async () => {
    expect(validateBundle({ ...(await starterPack()), version: 3 }).valid).toBe(true);
  });
});

describe('invalid configuration fixtures', () => {
  it('exist for every error code', () => {
    const covered = new Set(fixtures.flatMap(([, f]) => f.errors.map((e) => e.code)));
    expect([...covered].sort()).toEqual(Object.values(ConfigErrorCode).sort());
    expect(fixtures.length).toBeGreaterThanOrEqual(35);
  });

  it.each(fixtures)('%s reports exactly the expected (code, path) pairs', (_name, fixture) => {
    const result = validateBundle(fixture.bundle);
    expect(result.valid).toBe(false);
    expect(pairs(result.errors)).toEqual(pairs(fixture.errors));
    for (const error of result.errors) expect(error.message).not.toBe('');
  });
});

describe('validateBundle', () => {
  it('rejects a bundle that is not an object', () => {
    expect(validateBundle(null).errors).toEqual([{ code: 'SCHEMA_VIOLATION', path: '', message: 'must be object' }]);
    expect(validateBundle([]).valid).toBe(false);
  });

  it('does not check role names when the bundle has no roles', async () => {
    const bundle = structuredClone(await starterPack());
    delete bundle.roles;
    const chain = (bundle.approvalChains as Record<string, { steps: { approvers: unknown }[] }>)['quote-discount'];
    chain.steps[1].approvers = { role: 'anyone' };
    expect(validateBundle(bundle).errors).toEqual([]);
  });

  it('explains a wrong approver spec in one error', async () => {
    const bundle = structuredClone(await starterPack());
    const chain = (bundle.approvalChains as Record<string, { steps: { approvers: unknown }[] }>)['quote-discount'];
    chain.steps[0].approvers = { manager: 'requester' };
    const { errors } = validateBundle(bundle);
    expect(errors).toHaveLength(1);
    expect(errors[0].path).toBe('/approvalChains/quote-discount/steps/0/approvers');
    expect(errors[0].message).toContain('managerOf');
  });

  it('escapes "/" and "~" in names inside paths', async () => {
    const bundle = structuredClone(await starterPack());
    (bundle.entities as Record<string, unknown>)['a/b~c'] = { label: { en: 'x' }, titleField: 'x' };
    const paths = validateBundle(bundle).errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/entities/a~1b~0c', '/entities/a~1b~0c/schema']));
  });

  it('accepts a record field that CEL reads through has() and index syntax', async () => {
    const bundle = structuredClone(await starterPack());
    const chain = (bundle.approvalChains as Record<string, Record<string, unknown>>)['quote-discount'];
    chain.entry = 'has(record.total) && record["discountPercent"] > 0.0';
    expect(validateBundle(bundle).errors).toEqual([]);
    chain.entry = 'record["discount"] > 0.0';
    expect(pairs(validateBundle(bundle).errors)).toEqual(['UNKNOWN_FIELD /approvalChains/quote-discount/entry']);
  });
});
