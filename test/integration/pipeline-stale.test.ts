import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { startStackWith, type Stack } from '../support/stack-core.js';
import { publishVariant } from '../support/config.js';
import { eventually, type HttpClient } from '../support/http.js';
import { addBusinessDuration, type Calendar } from '../../engine/domain/calendar/index.js';
import { stageStayWorkflowId } from '../../engine/temporal/stage-stays.js';

const testServer = fileURLToPath(new URL('../../.tools/bin/temporal-test-server', import.meta.url));
const minute = 60_000;
const hour = 60 * minute;
const business: Calendar = {
  utcOffset: '+08:00',
  workingHours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '12:00'], ['13:00', '18:00']]])),
};

let env: TestWorkflowEnvironment;
let stack: Stack;
let sales1: HttpClient;
let branchmgr: HttpClient;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer } } });
  stack = await startStackWith({ temporalAddress: env.address, workflowBundlePath: inject('workflowBundlePath') });
  await publishVariant(stack, (bundle) => {
    bundle.calendars = { business };
    bundle.pipelines['opportunity-sales'].stale = { after: 'PT8H', calendar: 'business', remind: 'owner', escalate: { after: 'PT4H' } };
  });
  sales1 = await stack.as('sales1');
  branchmgr = await stack.as('branchmgr');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await env?.teardown();
});

const stale = async (client: HttpClient, kind: string, recordId: string) => (await client.get('/api/notifications')).body.items
  .filter((n: { kind: string; link?: { recordId?: string } }) => n.kind === kind && n.link?.recordId === recordId).length;
const staleTasks = async (client: HttpClient, recordId: string) => (await client.get('/api/inbox')).body.items
  .filter((t: { recordId: string; process: string }) => t.recordId === recordId && t.process === 'stage-stay');

/** Server time of the last signal of that name the stay's workflow received. */
async function signalledAt(workflowId: string, name: string): Promise<number> {
  const history = await stack.flow.client.workflow.getHandle(workflowId).fetchHistory();
  const event = [...(history.events ?? [])].reverse().find((e) => e.workflowExecutionSignaledEventAttributes?.signalName === name);
  const time = event!.eventTime!;
  return Number(time.seconds) * 1000 + Math.floor((time.nanos ?? 0) / 1e6);
}

describe('stale deals on the time-skipping server', () => {
  it('reminds the owner, then escalates to the manager, once each at business times; a field change re-arms the clock', async () => {
    const created = await sales1.post('/api/records/opportunity', { name: 'Quiet deal', owner: 'sales1' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const workflowId = stageStayWorkflowId('opportunity', id);
    const started = await signalledAt(workflowId, 'stageStayEnd');
    const firstRemind = Date.parse(addBusinessDuration(new Date(started).toISOString(), 'PT8H', business));

    // Half way to the reminder in business time, a field change restarts the quiet period (half way in wall-clock
    // time can fall in the same night as the start, which would leave the reminder where it was).
    const halfway = Date.parse(addBusinessDuration(new Date(started).toISOString(), 'PT4H', business));
    await env.sleep(halfway - (await env.currentTimeMs()));
    expect((await sales1.patch(`/api/records/opportunity/${id}`, { description: 'called the buyer' })).status).toBe(200);
    const rearmed = await eventually(async () => {
      const at = await signalledAt(workflowId, 'stageActivity').catch(() => 0);
      return at || null;
    }, 10_000);
    const remindAt = Date.parse(addBusinessDuration(new Date(rearmed).toISOString(), 'PT8H', business));
    const escalateAt = Date.parse(addBusinessDuration(new Date(remindAt).toISOString(), 'PT4H', business));
    expect(remindAt).toBeGreaterThan(firstRemind);

    await env.sleep(firstRemind + minute - (await env.currentTimeMs()));
    expect(await stale(sales1, 'stage.stale', id)).toBe(0); // the first deadline passed without a reminder

    await env.sleep(remindAt - minute - (await env.currentTimeMs()));
    expect(await stale(sales1, 'stage.stale', id)).toBe(0);
    await env.sleep(2 * minute);
    await eventually(async () => (await stale(sales1, 'stage.stale', id)) === 1, 10_000);
    expect(await staleTasks(sales1, id)).toEqual([expect.objectContaining({ kind: 'task', assignee: 'sales1', status: 'open' })]);
    expect(await stale(branchmgr, 'stage.stale_escalated', id)).toBe(0);

    await env.sleep(escalateAt - minute - (await env.currentTimeMs()));
    expect(await stale(branchmgr, 'stage.stale_escalated', id)).toBe(0);
    await env.sleep(2 * minute);
    await eventually(async () => (await stale(branchmgr, 'stage.stale_escalated', id)) === 1, 10_000);
    expect(await staleTasks(branchmgr, id)).toEqual([expect.objectContaining({ kind: 'task', assignee: 'branchmgr' })]);

    await env.sleep(300 * hour);
    expect(await stale(sales1, 'stage.stale', id)).toBe(1);
    expect(await stale(branchmgr, 'stage.stale_escalated', id)).toBe(1);

    // The next move ends the stay: its open reminder tasks are cancelled and the clock starts over for the new stage.
    const moved = await sales1.post(`/api/records/opportunity/${id}/stage`, { to: 'lost', reason: 'timing' });
    expect(moved.status).toBe(200);
    await eventually(async () => (await staleTasks(sales1, id)).length === 0 && (await staleTasks(branchmgr, id)).length === 0, 10_000);
    const handle = stack.flow.client.workflow.getHandle(workflowId);
    await expect(handle.result()).resolves.toMatchObject({ reminded: true, escalated: true, ended: 'moved' });
    // RECORD_HISTORIES=1 adds this run to the replay corpus (test/replay/histories is append-only).
    if (process.env.RECORD_HISTORIES) {
      writeFileSync(fileURLToPath(new URL('../replay/histories/stage-stay-reminded-escalated.json', import.meta.url)),
        `{"workflowId": ${JSON.stringify(workflowId)}, "history": ${historyToJSON(await handle.fetchHistory())}}\n`);
    }
  }, 180_000);
});
