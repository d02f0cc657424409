import { describe, expect, it, inject } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';

const dir = fileURLToPath(new URL('./histories/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

/** Recorded histories of earlier workflow code must replay on today's code: a change that breaks them needs patched(). */
describe('replay of recorded workflow histories', () => {
  it('has a corpus to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
  });

  it.each(files)('%s replays without nondeterminism', async (file) => {
    const { workflowId, history } = JSON.parse(readFileSync(dir + file, 'utf8'));
    await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, historyFromJSON(history), workflowId);
  });
});

const interpreterFiles = files.filter((f) => f.startsWith('interpreter-'));
const stepTypes = ['task', 'approval', 'action', 'decision', 'wait', 'event', 'parallel', 'loop', 'subprocess', 'end'];

describe('the interpreter corpus', () => {
  it('covers every step type', () => {
    const used = new Set(interpreterFiles.flatMap((f) => typesIn(startInput(f).definition.steps)));
    expect(stepTypes.filter((t) => !used.has(t))).toEqual([]);
  });

  it('fails to replay on a planted incompatible change to the step executors', async () => {
    const planted = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('../fixtures/incompatible-workflows/index.ts', import.meta.url)),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    });
    for (const file of interpreterFiles) {
      const { workflowId, history } = JSON.parse(readFileSync(dir + file, 'utf8'));
      await expect(Worker.runReplayHistory({ workflowBundle: { code: planted.code } }, historyFromJSON(history), workflowId), file)
        .rejects.toThrow();
    }
  }, 60_000);
});

/** The process input a recorded run started with (the first event's payload). */
function startInput(file: string): { definition: { steps: StepLike[] } } {
  const { history } = JSON.parse(readFileSync(dir + file, 'utf8'));
  const payload = history.events[0].workflowExecutionStartedEventAttributes.input.payloads[0];
  return JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8'));
}

type StepLike = { type: string; steps?: StepLike[]; branches?: StepLike[][] | unknown[] };

function typesIn(steps: StepLike[]): string[] {
  return steps.flatMap((s) => [s.type, ...typesIn(s.steps ?? []), ...(s.type === 'parallel' ? (s.branches as StepLike[][]).flatMap(typesIn) : [])]);
}
