/**
 * Records workflow histories of the quote-approval runs into test/replay/histories (run after a workflow change
 * that is meant to be compatible, to extend the corpus): npx tsx test/support/record-histories.ts [tag]
 * The corpus is append-only: a case whose files exist is skipped; a tag (e.g. the new patch's name) names new files
 * `<case>-<kind>-<tag>.json` next to the earlier ones.
 */
import { existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { startTemporalDevServer } from '../../scripts/lib/temporal-cli.js';
import { getFreePort } from '../../scripts/lib/ports.js';
import { workflowsPath } from '../../worker/main.js';
import { startStackWith } from './stack-core.js';
import { submitQuote, inboxTaskFor, statusOf } from './quotes.js';

const out = fileURLToPath(new URL('../replay/histories/', import.meta.url));
const tag = process.argv[2];
const fileOf = (name: string, kind: string) => `${out}${name}-${kind}${tag ? `-${tag}` : ''}.json`;
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error };

async function main() {
  const server = await startTemporalDevServer({ port: await getFreePort(), headless: true });
  const bundlePath = fileURLToPath(new URL('../../data/record-bundle.js', import.meta.url));
  mkdirSync(out, { recursive: true });
  writeFileSync(bundlePath, (await bundleWorkflowCode({ workflowsPath, logger: quiet })).code);
  const stack = await startStackWith({ temporalAddress: server.address, workflowBundlePath: bundlePath });
  try {
    const sales1 = await stack.as('sales1');
    const [branchmgr, regiondir] = await Promise.all([stack.as('branchmgr'), stack.as('regiondir')]);
    const cases: [string, number, number, (recordId: string) => Promise<void>][] = [
      ['within-policy', 5, 1_000, async () => undefined],
      ['two-step-approved', 25, 200_000, async (recordId) => {
        const first = await inboxTaskFor(branchmgr, recordId);
        await branchmgr.post(`/api/tasks/${encodeURIComponent(first.id)}/complete`, { outcome: 'approve', comment: 'ok' });
        const second = await inboxTaskFor(regiondir, recordId);
        await regiondir.post(`/api/tasks/${encodeURIComponent(second.id)}/complete`, { outcome: 'approve' });
      }],
      ['rejected', 15, 10_000, async (recordId) => {
        const task = await inboxTaskFor(branchmgr, recordId);
        await branchmgr.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, { outcome: 'reject' });
      }],
    ];
    for (const [name, discount, total, decide] of cases) {
      if (existsSync(fileOf(name, 'process')) || existsSync(fileOf(name, 'approval'))) continue;
      const { recordId, processId } = await submitQuote(sales1, discount, total);
      await decide(recordId);
      await statusOf(sales1, recordId, name === 'rejected' ? 'rejected' : 'approved');
      for (const workflowId of [processId, `${processId}:approve`]) {
        const handle = stack.flow.client.workflow.getHandle(workflowId);
        await handle.result();
        const history = await handle.fetchHistory();
        const kind = workflowId === processId ? 'process' : 'approval';
        writeFileSync(fileOf(name, kind), `{"workflowId": ${JSON.stringify(workflowId)}, "history": ${historyToJSON(history)}}\n`);
        console.log(`recorded ${fileOf(name, kind)}`);
      }
    }
  } finally {
    await stack.stop();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
