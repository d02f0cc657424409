import { afterEach, describe, expect, it, vi } from 'vitest';
import { DomainError } from '../../engine/domain/errors.js';
import { untilRunKnowsTask } from '../../engine/api/services/run-catch-up.js';

/** An ask that fails with each of `failures` in turn, then answers 'decided'; it counts its calls. */
function scripted(...failures: Error[]) {
  const ask = async () => {
    ask.calls++;
    const failure = failures[ask.calls - 1];
    if (failure) throw failure;
    return 'decided';
  };
  ask.calls = 0;
  return ask;
}
const notFound = () => new DomainError('NOT_FOUND', 'task t1 is not open in this process');

describe('asking a run again about a task whose row says it is open', () => {
  it('asks again while the run does not know the task yet, and returns its answer', async () => {
    const ask = scripted(notFound(), notFound());
    await expect(untilRunKnowsTask(true, ask, 5_000)).resolves.toBe('decided');
    expect(ask.calls).toBe(3);
  });

  it('passes NOT_FOUND through at once when the row is not open', async () => {
    const ask = scripted(notFound());
    await expect(untilRunKnowsTask(false, ask, 5_000)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(ask.calls).toBe(1);
  });

  it.each([
    ['a refusal of another code', new DomainError('FORBIDDEN', 'this task is not yours'), 'FORBIDDEN'],
    ['an error that is not a refusal', new Error('socket hang up'), undefined],
  ])('passes %s through at once', async (_, error, code) => {
    const ask = scripted(error);
    const failure = await untilRunKnowsTask(true, ask, 5_000).catch((e: unknown) => e);
    expect(failure).toBe(error);
    expect((failure as DomainError).code).toBe(code);
    expect(ask.calls).toBe(1);
  });

  // on a fake clock: the pauses and the budget are exact, whatever the machine's load
  afterEach(() => void vi.useRealTimers());

  it('counts the budget from the first refusal, not from the first ask', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const slowFirst = async () => {
      calls++;
      if (calls === 1) await new Promise((resolve) => setTimeout(resolve, 500)); // waited for a worker, then refused
      if (calls < 3) throw notFound();
      return 'decided';
    };
    const answer = untilRunKnowsTask(true, slowFirst, 400);
    await vi.advanceTimersByTimeAsync(500 + 100 + 200);
    await expect(answer).resolves.toBe('decided');
    expect(calls).toBe(3);
  });

  it('answers UNAVAILABLE once the budget is spent, without sleeping a pause that would overrun it', async () => {
    vi.useFakeTimers();
    const ask = scripted(...Array.from({ length: 50 }, notFound));
    const started = Date.now();
    const answer = untilRunKnowsTask(true, ask, 400).catch((error: unknown) => ({ error, after: Date.now() - started }));
    await vi.advanceTimersByTimeAsync(1_000);
    const { error, after } = (await answer) as { error: DomainError; after: number };
    expect(error.code).toBe('UNAVAILABLE');
    expect(ask.calls).toBe(3); // after pauses of 100 and 200 ms; a third pause of 400 ms would overrun the budget
    expect(after).toBe(300);
  });
});
