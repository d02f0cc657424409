import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/lib/temporal-cli.js';
import { startStack, type Stack } from '../support/stack.js';
import { submitQuote } from '../support/quotes.js';
import { eventually } from '../support/http.js';

/**
 * Schemathesis (pinned in scripts/install-tools.sh, project-local virtualenv .tools) against a started API and
 * worker, signed in as the demo admin: generated and boundary inputs for every operation of /openapi.json, then
 * stateful sequences along its OpenAPI links. Any 5xx or any status the document does not declare fails the test.
 * The same command by hand: docs/security.md.
 */
const st = path.join(repoRoot, '.tools', 'bin', 'st');
const EXAMPLES_PER_OPERATION = 5;
const SEED = 20261202;
const CHECKS = ['not_a_server_error', 'status_code_conformance', 'response_schema_conformance'];

let stack: Stack;
let configFile: string;
let reportDir: string;

/** Path parameters of real resources, so that operations on them get past the 404 of an unknown id. */
function config(ids: { record: string; process: string; task: string; webhook: string; delegation: string }): string {
  const base = readFileSync(path.join(repoRoot, 'test', 'fuzz', 'schemathesis.toml'), 'utf8');
  const operation = (regex: string, id: string) => `\n[[operations]]\ninclude-path-regex = '${regex}'\nparameters = { "path.id" = "${id}" }\n`;
  return base
    + operation('^/api/records/\\{entity\\}/\\{id\\}', ids.record)
    + operation('^/api/processes/\\{id\\}', ids.process)
    + operation('^/api/tasks/\\{id\\}', ids.task)
    + operation('^/api/webhooks/\\{id\\}$', ids.webhook)
    + operation('^/api/delegations/\\{id\\}$', ids.delegation);
}

beforeAll(async () => {
  if (!existsSync(st)) {
    const installed = spawnSync('bash', [path.join(repoRoot, 'scripts', 'install-tools.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (installed.status !== 0) throw new Error('scripts/install-tools.sh could not install schemathesis');
  }
  stack = await startStack();
  const admin = await stack.as('admin');
  const { recordId, processId } = await submitQuote(await stack.as('sales1'), 15, 12_000);
  const task = await eventually(async () => ((await admin.get('/api/inbox?scope=all')).body.items as { id: string; recordId: string }[])
    .find((t) => t.recordId === recordId), 20_000);
  const webhook = await admin.post('/api/webhooks', { url: 'https://hooks.example.com/flowcrm', events: ['*'] });
  const now = Date.now();
  const delegation = await admin.post('/api/delegations', { to: 'sales2', startsAt: new Date(now).toISOString(), endsAt: new Date(now + 864e5).toISOString() });
  expect([webhook.status, delegation.status]).toEqual([201, 201]);
  const dir = path.join(repoRoot, 'data', 'test-run', `schemathesis-${stack.taskQueue}`);
  mkdirSync(dir, { recursive: true });
  reportDir = dir;
  configFile = path.join(dir, 'schemathesis.toml');
  writeFileSync(configFile, config({ record: recordId, process: processId, task: task.id, webhook: webhook.body.id, delegation: delegation.body.id }));
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(st, args, { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('Schemathesis against /openapi.json', () => {
  it('finds no server error, no undeclared status and no response off its schema', { timeout: 420_000 }, async () => {
    const admin = await stack.as('admin');
    const { code, output } = await run([
      '--config-file', configFile, '--no-color', 'run', `${stack.url}/openapi.json`,
      '-H', `Authorization: Bearer ${admin.token}`, '--checks', CHECKS.join(','),
      '--max-examples', String(EXAMPLES_PER_OPERATION), '--seed', String(SEED), '--workers', '2',
      '--report', 'junit', '--report-dir', reportDir, '--output-truncate', 'true',
      // logging out would revoke the session every later request signs with (auth-sessions.test.ts covers logout)
      '--exclude-path', '/api/auth/logout',
    ]);
    writeFileSync(path.join(reportDir, 'output.txt'), output);
    const failures = output.slice(output.indexOf('FAILURES'), output.indexOf('SUMMARY')).slice(0, 20_000);
    const generated = Number(/(\d+) generated/.exec(output)?.[1] ?? 0);
    const tested = Number(/Tested:\s+(\d+)/.exec(output)?.[1] ?? 0);
    // a run that tested nothing would also exit 0: it must have walked every operation with generated cases
    expect(tested, output.slice(-3000)).toBeGreaterThan(40);
    expect(generated).toBeGreaterThan(tested * EXAMPLES_PER_OPERATION);
    expect(output, failures).not.toMatch(/\d+ failures?\b/);
    expect(code, output.slice(-3000)).toBe(0);
  });
});
