import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cronProblem } from '../../engine/domain/config/cron.js';
import { withoutDecoration } from '../../engine/domain/config/decoration.js';
import type { StepType } from '../../engine/domain/config/process-types.js';
import { isActionStep, isDecisionStep, type ProcessStep } from '../../engine/domain/config/types.js';
import { validateBundle } from '../../engine/domain/config/validate-bundle.js';

type Json = Record<string, any>;

/** A valid bundle whose process `claim-handling` uses every step type and every trigger kind. */
const everyStepType = JSON.parse(readFileSync(new URL('../fixtures/valid-config/every-step-type.json', import.meta.url), 'utf8')) as Json;

function withProcess(steps: unknown[], extra: Json = {}): Json {
  const bundle = structuredClone(everyStepType);
  bundle.processes.p = { entity: 'claim', steps, ...extra };
  return bundle;
}

const pairs = (bundle: unknown) => validateBundle(bundle).errors.map((e) => `${e.code} ${e.path}`);

/** Every step of a process, nested blocks included. */
function allSteps(steps: Json[]): Json[] {
  return steps.flatMap((s) => [s, ...allSteps(s.steps ?? []), ...(s.type === 'parallel' ? s.branches.flatMap(allSteps) : [])]);
}

describe('a process of every step type', () => {
  it('validates', () => {
    expect(validateBundle(everyStepType)).toEqual({ valid: true, errors: [] });
  });

  it('really holds every step type, trigger kind and boundary kind', () => {
    const process = everyStepType.processes['claim-handling'];
    const steps = allSteps(process.steps);
    const types: StepType[] = ['task', 'approval', 'action', 'decision', 'wait', 'event', 'parallel', 'loop', 'subprocess', 'end'];
    expect(new Set(steps.map((s) => s.type))).toEqual(new Set(types));
    expect(new Set(steps.filter((s) => s.type === 'action').map((s) => s.action))).toEqual(
      new Set(['set', 'notify', 'createRecord', 'webhook', 'startProcess']),
    );
    expect(process.trigger.map((t: Json) => t.on)).toEqual(['manual', 'create', 'update', 'stage', 'schedule', 'event']);
    const boundaries = steps.flatMap((s) => s.boundary ?? []);
    expect(boundaries.some((b: Json) => 'event' in b) && boundaries.some((b: Json) => 'after' in b) && boundaries.some((b: Json) => 'until' in b)).toBe(true);
  });
});

describe('process checks', () => {
  it.each([
    ['a jump into a loop body from outside', [
      { id: 'go', type: 'decision', branches: [{ when: 'true', goto: 'inside' }], otherwise: 'end' },
      { id: 'loop', type: 'loop', steps: [{ id: 'inside', type: 'wait', for: 'P1D' }] },
      { id: 'end', type: 'end' },
    ], ['UNKNOWN_STEP /processes/p/steps/0/branches/0/goto']],
    ['a jump out of a parallel branch', [
      { id: 'fan', type: 'parallel', branches: [[{ id: 'a', type: 'task', title: { en: 'A' }, next: 'end' }]] },
      { id: 'end', type: 'end' },
    ], ['UNKNOWN_STEP /processes/p/steps/0/branches/0/0/next']],
    ['a boundary that jumps within the block of its step (its target is reachable)', [
      { id: 'loop', type: 'loop', steps: [
        { id: 'work', type: 'task', title: { en: 'Work' }, boundary: [{ event: 'stop', goto: 'stopped' }] },
        { id: 'done', type: 'end' },
        { id: 'stopped', type: 'end' },
      ] },
    ], []],
    ['a step that only a missing boundary would reach', [
      { id: 'loop', type: 'loop', steps: [
        { id: 'work', type: 'task', title: { en: 'Work' } },
        { id: 'done', type: 'end' },
        { id: 'stopped', type: 'end' },
      ] },
    ], ['UNREACHABLE_STEP /processes/p/steps/0/steps/2']],
    ['a goto loop through a parallel step holding a task', [
      { id: 'fan', type: 'parallel', join: 'any', branches: [[{ id: 'call', type: 'task', title: { en: 'Call' } }], [{ id: 'x', type: 'end' }]] },
      { id: 'back', type: 'decision', branches: [{ when: 'true', goto: 'fan' }], otherwise: 'end' },
      { id: 'end', type: 'end' },
    ], []],
    ['a goto loop through a skipped-or-not event step', [
      { id: 'hear', type: 'event', event: 'ping', timeout: 'PT1H', onTimeout: 'hear' },
    ], []],
    ['a decision without otherwise runs on', [
      { id: 'route', type: 'decision', branches: [{ when: 'true', goto: 'end' }] },
      { id: 'between', type: 'action', action: 'set', set: { status: 'open' } },
      { id: 'end', type: 'end' },
    ], []],
    ['an end step skipped by its when runs on', [
      { id: 'early', type: 'end', when: 'record.amount > 1.0' },
      { id: 'late', type: 'end' },
    ], []],
    ['a stage trigger on the pipeline of the entity', [{ id: 'end', type: 'end' }], [], { trigger: { on: 'stage', pipeline: 'claims', stage: 'done' } }],
    ['variables read with their declared types, step outputs as dyn', [
      { id: 'count', type: 'decision', branches: [{ when: 'vars.attempts + 1.0 > 3.0 && vars.count.size() > 0 && vars.tags.size() > 0', goto: 'end' }], otherwise: 'end' },
      { id: 'end', type: 'end' },
    ], [], { variables: { attempts: { type: 'number' }, tags: { type: 'list' } } }],
    ['a variable used against its declared type, or not declared', [
      { id: 'count', type: 'decision', branches: [{ when: 'vars.attempts.startsWith("a")', goto: 'end' }, { when: 'vars.tries > 1.0', goto: 'end' }], otherwise: 'end' },
      { id: 'end', type: 'end' },
    ], ['INVALID_EXPRESSION /processes/p/steps/0/branches/0/when', 'UNKNOWN_FIELD /processes/p/steps/0/branches/1/when'], { variables: { attempts: { type: 'number' } } }],
    ['step outputs, any type, without declared variables', [
      { id: 'check', type: 'decision', branches: [{ when: 'vars.whatever.deep == 1 && event.x > 2', goto: 'end' }], otherwise: 'end' },
      { id: 'end', type: 'end' },
    ], []],
  ] as [string, Json[], string[], Json?][])('%s', (_name, steps, expected, extra) => {
    expect(pairs(withProcess(steps, extra)).sort()).toEqual([...expected].sort());
  });

  it('types form from the task form schema for the task outputs only', () => {
    const task = (outputs: Json) => ({
      id: 'ask', type: 'task', title: { en: 'Ask' },
      form: { schema: { type: 'object', properties: { estimate: { type: 'number' }, reason: { type: 'string' } } } },
      outputs,
    });
    expect(pairs(withProcess([task({ amount: 'form.estimate * 2.0', title: 'form.reason + "!"' })]))).toEqual([]);
    expect(pairs(withProcess([task({ amount: 'form.reason * 2.0' })]))).toEqual(['INVALID_EXPRESSION /processes/p/steps/0/outputs/amount']);
    expect(pairs(withProcess([task({ amount: 'form.guess' })]))).toEqual(['UNKNOWN_FIELD /processes/p/steps/0/outputs/amount']);
  });

  it('reads a literal object in set as a literal, and only {expr} alone as CEL', () => {
    const set = (value: unknown) => withProcess([{ id: 's', type: 'action', action: 'set', set: { status: value } }]);
    expect(pairs(set({ amount: 1, currency: 'EUR' }))).toEqual([]);
    expect(pairs(set({ expr: "'paid'" }))).toEqual([]);
    expect(pairs(set({ expr: 'record.nothing' }))).toEqual(['UNKNOWN_FIELD /processes/p/steps/0/set/status/expr']);
    expect(pairs(set({ expr: "'paid'", note: 1 }))).toEqual(['SCHEMA_VIOLATION /processes/p/steps/0/set/status']);
  });

  it('judges a process of 25 000 spinning steps without blowing up (linear flow analysis)', () => {
    const steps = Array.from({ length: 25_000 }, (_, i) => ({ id: `s${i}`, type: 'action', action: 'set', set: { score: 1 } }));
    (steps[steps.length - 1] as Json).next = 's0';
    const started = performance.now();
    const errors = pairs(withProcess(steps));
    expect(errors).toEqual(['CYCLE /processes/p/steps/0']);
    // A quadratic analysis takes minutes (or runs out of memory) here; the linear one well under a second.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('explains 3 000 malformed candidate specs without quadratic work', () => {
    // Each bad spec fails a oneOf of oneOfs (9 ajv errors): pruning them pairwise took 10 s for 2 000 specs.
    const steps = Array.from({ length: 3_000 }, (_, i) => ({ id: `t${i}`, type: 'task', title: { en: 'T' }, candidates: {} }));
    const started = performance.now();
    const errors = pairs(withProcess(steps));
    expect(errors).toHaveLength(3_000);
    expect(errors[0]).toBe('SCHEMA_VIOLATION /processes/p/steps/0/candidates');
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('refuses more than 200 task forms before compiling any', () => {
    // The process of every step type has one form already.
    const steps = Array.from({ length: 200 }, (_, i) => ({ id: `t${i}`, type: 'task', title: { en: 'T' }, form: { schema: { type: 'object', properties: { [`f${i}`]: { type: 'string' } } } } }));
    expect(pairs(withProcess([{ id: 'loop', type: 'loop', steps }]))).toEqual(['SCHEMA_TOO_LARGE /processes']);
    expect(pairs(withProcess([{ id: 'loop', type: 'loop', steps: steps.slice(1) }]))).toEqual([]);
  });
});

describe('cron expressions of schedule triggers', () => {
  it.each(['0 9 1 * *', '*/15 8-18 * * MON-FRI', '0 0 1,15 JAN,jul *', '30 6 * * 0,7', '@daily', '@Monthly', '5 4 * * sun', '0-59/5 * * * *'])(
    'accepts %s', (cron) => expect(cronProblem(cron)).toBeNull(),
  );
  it.each([
    ['0 9 * *', 'has 4 field(s)'],
    ['60 * * * *', 'minute "60"'],
    ['* 24 * * *', 'hour "24"'],
    ['* * 0 * *', 'day of month "0"'],
    ['* * * 13 *', 'month "13"'],
    ['* * * * 8', 'day of week "8"'],
    ['*/0 * * * *', 'step in "*/0"'],
    ['5-1 * * * *', 'runs backwards'],
    ['1-2-3 * * * *', 'is not a-b'],
    ['@fortnightly', 'has 1 field(s)'],
    ['* * * FOO *', 'month "FOO"'],
  ])('refuses %s', (cron, problem) => expect(cronProblem(cron)).toContain(problem));
});

describe('the decoration of GET /api/config', () => {
  it('is dropped before validate and publish, and accepted by the meta-schema', () => {
    const decorated = { ...everyStepType, version: 7, hash: 'sha256:abc' };
    expect(withoutDecoration(decorated)).toEqual(everyStepType);
    expect(decorated.version).toBe(7);
    expect(validateBundle(decorated).valid).toBe(true);
  });
});

describe('the step guards of the first interpreter', () => {
  it('match a decision by branches, not one by table', () => {
    const byBranches: ProcessStep = { id: 'd', type: 'decision', branches: [{ when: 'true', goto: 'e' }], otherwise: 'e' };
    const byTable: ProcessStep = { id: 'd', type: 'decision', table: 'risk' };
    expect(isDecisionStep(byBranches)).toBe(true);
    expect(isDecisionStep(byTable)).toBe(false);
    expect(isActionStep({ id: 'a', type: 'action', action: 'webhook', event: 'x' })).toBe(true);
  });
});
