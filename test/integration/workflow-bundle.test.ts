import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { bundleWorkflowCode } from '@temporalio/worker';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/bad-workflows/${name}`, import.meta.url));
const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

describe('workflow sandbox boundaries', () => {
  it('bundles the real workflows without server-side code', () => {
    const code = readFileSync(inject('workflowBundlePath'), 'utf8');
    expect(code).toContain('processWorkflow');
    expect(code).toContain('approvalWorkflow');
    expect(code).not.toMatch(/engine\/db\/|engine\/api\/|@mikro-orm|fastify/);
  });

  it('fails to bundle a workflow that imports a Node built-in', async () => {
    await expect(bundleWorkflowCode({ workflowsPath: fixture('uses-node-builtin.ts'), logger: silent })).rejects.toThrow();
  });

  it('fails to bundle a workflow that imports engine/db code', async () => {
    await expect(bundleWorkflowCode({ workflowsPath: fixture('uses-db.ts'), logger: silent })).rejects.toThrow();
  }, 60_000);
});
