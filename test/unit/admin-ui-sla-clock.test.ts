import { describe, expect, it } from 'vitest';
import { slaClock, spanText } from '../../admin-ui/src/format.js';

const created = '2026-12-01T09:00:00Z';
const due = '2026-12-03T09:00:00Z'; // two days allowed
const at = (iso: string) => Date.parse(iso);

describe('SLA clocks of open tasks', () => {
  it.each([
    ['2026-12-01T10:00:00Z', 'ok', '1d 23h'],
    ['2026-12-02T20:59:00Z', 'ok', '12h 1m'], // just over a quarter of the 48 h left
    ['2026-12-02T21:01:00Z', 'warn', '11h 59m'],
    ['2026-12-03T08:59:30Z', 'warn', '1m'],
    ['2026-12-03T09:00:00Z', 'warn', '0m'],
    ['2026-12-03T09:00:01Z', 'breached', '0m'],
    ['2026-12-04T12:30:00Z', 'breached', '1d 3h 30m'],
  ])('at %s: %s, %s', (now, state, left) => {
    expect(slaClock(created, due, at(now))).toEqual({ state, left });
  });

  it('no due time, no clock; a due time not after creation is never a warning before it passes', () => {
    expect(slaClock(created, null)).toBeNull();
    expect(slaClock(created, undefined)).toBeNull();
    expect(slaClock(due, due, at(created))).toEqual({ state: 'ok', left: '2d' });
  });

  it('spans in days, hours and minutes', () => {
    expect(spanText(0)).toBe('0m');
    expect(spanText(-5_000)).toBe('0m');
    expect(spanText(90 * 60_000)).toBe('1h 30m');
    expect(spanText(2 * 86_400_000)).toBe('2d');
  });
});
