import { describe, expect, it } from 'vitest';
import { MAX_REMINDERS, timeoutSchedule, type StepTimeout } from '../../engine/domain/approval/index.js';
import type { Calendar } from '../../engine/domain/calendar/index.js';

const day = [['09:00', '12:00'], ['13:00', '18:00']] as Calendar['workingHours']['mon'];
const business: Calendar = { utcOffset: '+08:00', workingHours: { mon: day, tue: day, wed: day, thu: day, fri: day }, holidays: ['2026-03-04'] };
const MON_0900 = '2026-03-02T01:00:00.000Z'; // Monday 09:00 +08:00
const cn = (text: string) => new Date(`${text}+08:00`).toISOString();

describe('timeoutSchedule', () => {
  it('wall clock: escalate after 48 hours to the default target', () => {
    expect(timeoutSchedule({ after: 'PT48H', action: 'escalate' }, MON_0900)).toEqual({
      dueAt: '2026-03-04T01:00:00.000Z',
      reminders: [],
      action: 'escalate',
      escalateTo: { managerOf: 'approver' },
    });
  });

  it('the starter-pack branch timeout: 48 working hours on the business calendar', () => {
    const timeout: StepTimeout = { after: 'PT48H', calendar: 'business', action: 'escalate', to: { managerOf: 'approver' } };
    expect(timeoutSchedule(timeout, MON_0900, business)).toEqual({
      dueAt: cn('2026-03-10T18:00'),
      reminders: [],
      action: 'escalate',
      escalateTo: { managerOf: 'approver' },
    });
  });

  it('reminders before the deadline, in working time', () => {
    const timeout: StepTimeout = { after: 'PT16H', calendar: 'business', action: 'reject', remindEvery: 'PT4H' };
    expect(timeoutSchedule(timeout, MON_0900, business)).toEqual({
      dueAt: cn('2026-03-03T18:00'),
      reminders: [cn('2026-03-02T14:00'), cn('2026-03-02T18:00'), cn('2026-03-03T14:00')],
      action: 'reject',
    });
  });

  it('a reminder that would coincide with the deadline is left out', () => {
    const s = timeoutSchedule({ after: 'PT4H', action: 'approve', remindEvery: 'PT2H' }, MON_0900);
    expect(s.reminders).toEqual(['2026-03-02T03:00:00.000Z']);
    expect(s.dueAt).toBe('2026-03-02T05:00:00.000Z');
  });

  it('remind: the deadline is the first reminder, then every remindEvery, at most MAX_REMINDERS', () => {
    const s = timeoutSchedule({ after: 'P1D', action: 'remind', remindEvery: 'P1D' }, MON_0900);
    expect(s.dueAt).toBe('2026-03-03T01:00:00.000Z');
    expect(s.reminders).toHaveLength(MAX_REMINDERS);
    expect(MAX_REMINDERS).toBe(50);
    expect(s.reminders[0]).toBe('2026-03-04T01:00:00.000Z');
    expect(s.reminders[49]).toBe('2026-04-22T01:00:00.000Z');
    expect(s).not.toHaveProperty('escalateTo');
  });

  it('remind without remindEvery fires once', () => {
    expect(timeoutSchedule({ after: 'PT2H', action: 'remind' }, MON_0900)).toEqual({ dueAt: '2026-03-02T03:00:00.000Z', reminders: [], action: 'remind' });
  });

  it('reminders before a long deadline are bounded too', () => {
    const s = timeoutSchedule({ after: 'P30D', action: 'escalate', remindEvery: 'PT1H', to: { role: 'head_office' } }, MON_0900);
    expect(s.reminders).toHaveLength(50);
    expect(s.reminders[0]).toBe('2026-03-02T02:00:00.000Z');
    expect(s.escalateTo).toEqual({ role: 'head_office' });
    const sorted = [...s.reminders].sort();
    expect(s.reminders).toEqual(sorted);
    expect(new Set(s.reminders).size).toBe(50);
  });

  it('a step started outside working hours starts counting at the next working instant', () => {
    const saturday = cn('2026-03-07T10:00');
    expect(timeoutSchedule({ after: 'PT2H', calendar: 'business', action: 'approve' }, saturday, business).dueAt).toBe(cn('2026-03-09T11:00'));
  });

  it.each([
    [{ after: 'PT48H', calendar: 'business', action: 'escalate' }, undefined, /calendar "business" of this timeout was not provided/],
    [{ after: 'PT0S', action: 'escalate' }, undefined, /after must be longer than zero/],
    [{ after: 'PT1H', action: 'remind', remindEvery: 'P0D' }, undefined, /remindEvery must be longer than zero/],
    [{ after: '48h', action: 'escalate' }, undefined, /not an ISO-8601 duration/],
    [{ after: 'P1W', calendar: 'business', action: 'escalate' }, business, /only days, hours, minutes and seconds/],
  ] as [StepTimeout, Calendar | undefined, RegExp][])('%o is VALIDATION_FAILED', (timeout, calendar, message) => {
    expect(() => timeoutSchedule(timeout, MON_0900, calendar)).toThrow(message);
  });

  it('is deterministic and does not mutate its input', () => {
    const timeout: StepTimeout = { after: 'PT16H', calendar: 'business', action: 'reject', remindEvery: 'PT4H' };
    const before = JSON.stringify(timeout);
    expect(timeoutSchedule(timeout, MON_0900, business)).toEqual(timeoutSchedule(timeout, MON_0900, business));
    expect(JSON.stringify(timeout)).toBe(before);
  });
});
