import { describe, expect, it } from 'vitest';
import { blocksOf, checkProcessFlow, jumpsOf, pauses } from '../../engine/domain/config/process-graph.js';

const end = (id: string) => ({ id, type: 'end' });
const act = (id: string, extra: Record<string, unknown> = {}) => ({ id, type: 'action', action: 'set', set: { x: 1 }, ...extra });
const flow = (steps: unknown[], rules: Record<string, unknown[]> = {}) =>
  checkProcessFlow({ steps, path: '/s' }, (name) => rules[name] ?? []).map((e) => `${e.code} ${e.path}`);

describe('pauses', () => {
  it.each([
    [{ type: 'approval' }, true],
    [{ type: 'task' }, true],
    [{ type: 'wait' }, true],
    [{ type: 'event' }, true],
    [{ type: 'action' }, false],
    [{ type: 'decision' }, false],
    [{ type: 'subprocess' }, false],
    [{ type: 'end' }, false],
    [{ type: 'loop', steps: [act('a')] }, false],
    [{ type: 'loop', steps: [act('a'), { type: 'wait' }] }, true],
    [{ type: 'parallel', branches: [[act('a')], [act('b')]] }, false],
    [{ type: 'parallel', branches: [[act('a')], [{ type: 'loop', steps: [{ type: 'event' }] }]] }, true],
    ['not a step', false],
  ])('%j -> %s', (step, expected) => expect(pauses(step)).toBe(expected));
});

describe('blocksOf', () => {
  it('lists the process, loop bodies and parallel branches at any depth, outermost first', () => {
    const steps = [
      { id: 'l', type: 'loop', steps: [{ id: 'p', type: 'parallel', branches: [[end('a')], [{ id: 'm', type: 'loop', steps: [end('b')] }]] }] },
      end('z'),
    ];
    expect(blocksOf(steps, '/s').map((b) => b.path)).toEqual([
      '/s', '/s/0/steps', '/s/0/steps/0/branches/0', '/s/0/steps/0/branches/1', '/s/0/steps/0/branches/1/0/steps',
    ]);
  });
});

describe('jumpsOf', () => {
  it.each([
    [{ type: 'decision', branches: [{ goto: 'a' }], otherwise: 'b' }, ['a', 'b']],
    [{ type: 'decision', table: { rules: [{ goto: 'a' }, {}] } }, ['a']],
    [{ type: 'decision', table: 'named' }, ['n']],
    [{ type: 'event', onTimeout: 't', boundary: [{ goto: 'x' }] }, ['t', 'x']],
    [{ type: 'task', boundary: [{ goto: 'x' }, { goto: 'y' }] }, ['x', 'y']],
    [{ type: 'action', next: 'a' }, []],
  ])('%j -> %j', (step, expected) => expect(jumpsOf(step, () => ['n'])).toEqual(expected));
});

describe('checkProcessFlow', () => {
  it.each([
    ['a straight line', [act('a'), end('b')], []],
    ['a step after an end', [end('a'), end('b')], ['UNREACHABLE_STEP /s/1']],
    ['a step reached only by a boundary', [act('a', { boundary: [{ event: 'e', goto: 'c' }], next: 'b' }), end('b'), end('c')], []],
    ['a step reached only by a named table rule', [{ id: 'd', type: 'decision', table: 't', otherwise: 'b' }, end('b'), end('c')], [], { t: [{ goto: 'c' }] }],
    ['a step reached only by onTimeout', [{ id: 'e', type: 'event', timeout: 'P1D', onTimeout: 'c', next: 'b' }, end('b'), end('c')], []],
    ['a decision with otherwise does not fall through', [{ id: 'd', type: 'decision', branches: [{ goto: 'c' }], otherwise: 'c' }, end('b'), end('c')], ['UNREACHABLE_STEP /s/1']],
    ['a decision without otherwise falls through', [{ id: 'd', type: 'decision', branches: [{ goto: 'c' }] }, end('b'), end('c')], []],
    ['an end skipped by when runs on', [{ id: 'a', type: 'end', when: 'x' }, end('b')], []],
    ['a self loop of an action', [act('a', { next: 'a' })], ['CYCLE /s/0']],
    ['a loop through a wait', [act('a'), { id: 'w', type: 'wait', for: 'P1D', next: 'a' }], []],
    ['a loop through a loop holding a task', [{ id: 'l', type: 'loop', steps: [{ id: 't', type: 'task' }] }, act('a', { next: 'l' })], []],
    ['two separate spinning loops, each reported once at its first step', [
      { id: 'd', type: 'decision', branches: [{ goto: 'a' }], otherwise: 'c' },
      act('a', { next: 'b' }), act('b', { next: 'a' }),
      act('c', { next: 'e' }), act('e', { next: 'c' }),
    ], ['CYCLE /s/1', 'CYCLE /s/3']],
    ['a spinning loop nobody reaches is only unreachable', [end('z'), act('a', { next: 'b' }), act('b', { next: 'a' })], ['UNREACHABLE_STEP /s/1', 'UNREACHABLE_STEP /s/2']],
    ['a spin reachable only through a boundary', [
      { id: 't', type: 'task', boundary: [{ event: 'e', goto: 'a' }], next: 'z' }, act('a', { next: 'b' }), act('b', { next: 'a' }), end('z'),
    ], ['CYCLE /s/1']],
  ] as [string, unknown[], string[], Record<string, unknown[]>?][])('%s', (_name, steps, expected, rules) => {
    expect(flow(steps, rules).sort()).toEqual([...expected].sort());
  });
});
