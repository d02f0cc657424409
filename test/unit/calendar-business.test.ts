import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  addBusinessDuration,
  checkCalendar,
  isWorkingTime,
  nextWorkingTime,
  workingHoursBetween,
  type Calendar,
} from '../../engine/domain/calendar/index.js';
import { DomainError } from '../../engine/domain/errors.js';

const day = [['09:00', '12:00'], ['13:00', '18:00']] as Calendar['workingHours']['mon'];
/** Mon-Fri 09-12, 13-18 at +08:00; Wednesday 2026-03-04 is a holiday. 2026-03-02 is a Monday. */
const cn: Calendar = { utcOffset: '+08:00', workingHours: { mon: day, tue: day, wed: day, thu: day, fri: day }, holidays: ['2026-03-04'] };
const local = (date: string, time: string) => `${date}T${time}+08:00`;
const utc = (text: string) => new Date(text).toISOString(); // test helper only

describe('addBusinessDuration: working hours', () => {
  const rows: { name: string; start: string; duration: string; end: string }[] = [
    { name: 'inside the morning', start: local('2026-03-02', '09:00'), duration: 'PT1H', end: local('2026-03-02', '10:00') },
    { name: 'across lunch', start: local('2026-03-02', '11:30'), duration: 'PT1H', end: local('2026-03-02', '13:30') },
    { name: 'a full day ends at the close, not the next morning', start: local('2026-03-02', '09:00'), duration: 'PT8H', end: local('2026-03-02', '18:00') },
    { name: 'one hour more runs into the next day', start: local('2026-03-02', '09:00'), duration: 'PT9H', end: local('2026-03-03', '10:00') },
    { name: 'over the weekend', start: local('2026-03-06', '17:00'), duration: 'PT2H', end: local('2026-03-09', '10:00') },
    { name: 'started on Saturday', start: local('2026-03-07', '10:00'), duration: 'PT1H', end: local('2026-03-09', '10:00') },
    { name: 'started before opening', start: local('2026-03-02', '07:00'), duration: 'PT30M', end: local('2026-03-02', '09:30') },
    { name: 'started in the lunch break', start: local('2026-03-02', '12:30'), duration: 'PT1H', end: local('2026-03-02', '14:00') },
    { name: 'started after closing', start: local('2026-03-02', '20:00'), duration: 'PT1H', end: local('2026-03-03', '10:00') },
    { name: 'over the holiday', start: local('2026-03-03', '17:00'), duration: 'PT2H', end: local('2026-03-05', '10:00') },
    { name: 'started on the holiday', start: local('2026-03-04', '10:00'), duration: 'PT1H', end: local('2026-03-05', '10:00') },
    { name: 'PT48H is six working days', start: local('2026-03-02', '09:00'), duration: 'PT48H', end: local('2026-03-10', '18:00') },
    { name: 'PT48H from mid-morning', start: local('2026-03-02', '10:30'), duration: 'PT48H', end: local('2026-03-11', '10:30') },
    { name: 'seconds carry over the night', start: local('2026-03-02', '17:59:30'), duration: 'PT1M', end: local('2026-03-03', '09:00:30') },
    { name: 'zero from Sunday is Monday morning', start: local('2026-03-01', '15:00'), duration: 'PT0S', end: local('2026-03-02', '09:00') },
    { name: 'a UTC start on the previous UTC day', start: '2026-03-01T23:00:00Z', duration: 'PT1H', end: local('2026-03-02', '10:00') },
    { name: 'minutes', start: local('2026-03-02', '11:50'), duration: 'PT20M', end: local('2026-03-02', '13:10') },
  ];
  it.each(rows)('$name: $start + $duration', ({ start, duration, end }) => {
    expect(addBusinessDuration(start, duration, cn)).toBe(utc(end));
  });
});

describe('addBusinessDuration: working days', () => {
  const rows: { name: string; start: string; duration: string; end: string }[] = [
    { name: 'next day, same time', start: local('2026-03-02', '10:00'), duration: 'P1D', end: local('2026-03-03', '10:00') },
    { name: 'over the holiday', start: local('2026-03-03', '10:00'), duration: 'P2D', end: local('2026-03-06', '10:00') },
    { name: 'over the weekend', start: local('2026-03-06', '15:00'), duration: 'P1D', end: local('2026-03-09', '15:00') },
    { name: 'from Saturday: Monday 09:00 is the start', start: local('2026-03-07', '11:00'), duration: 'P1D', end: local('2026-03-10', '09:00') },
    { name: 'from the lunch break: 13:00 is the start', start: local('2026-03-02', '12:15'), duration: 'P1D', end: local('2026-03-03', '13:00') },
    { name: 'five working days', start: local('2026-03-02', '09:00'), duration: 'P5D', end: local('2026-03-10', '09:00') },
    { name: 'days then hours', start: local('2026-03-02', '10:00'), duration: 'P1DT4H', end: local('2026-03-03', '15:00') },
    { name: 'days then hours into the next day', start: local('2026-03-02', '17:00'), duration: 'P1DT2H', end: local('2026-03-05', '10:00') },
  ];
  it.each(rows)('$name: $start + $duration', ({ start, duration, end }) => {
    expect(addBusinessDuration(start, duration, cn)).toBe(utc(end));
  });

  it('a day whose hours end earlier rolls to the next working instant', () => {
    const saturdayMornings: Calendar = { ...cn, workingHours: { ...cn.workingHours, sat: [['09:00', '12:00']] } };
    expect(addBusinessDuration(local('2026-03-06', '15:00'), 'P1D', saturdayMornings)).toBe(utc(local('2026-03-09', '09:00')));
    expect(addBusinessDuration(local('2026-03-06', '10:00'), 'P1D', saturdayMornings)).toBe(utc(local('2026-03-07', '10:00')));
  });

  it.each(['P1M', 'P1Y', 'P1W'])('%s is refused on a business calendar', (duration) => {
    expect(() => addBusinessDuration(local('2026-03-02', '09:00'), duration, cn)).toThrow(/only days, hours, minutes and seconds/);
  });
});

describe('other offsets and shapes (no daylight saving)', () => {
  it('a negative offset', () => {
    const ny: Calendar = { utcOffset: '-05:00', workingHours: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']] } };
    expect(addBusinessDuration('2026-03-02T13:00:00Z', 'PT1H', ny)).toBe('2026-03-02T15:00:00.000Z');
    expect(addBusinessDuration('2026-03-02T21:30:00Z', 'PT1H', ny)).toBe('2026-03-03T14:30:00.000Z');
    expect(isWorkingTime('2026-03-02T21:59:59Z', ny)).toBe(true);
    expect(isWorkingTime('2026-03-02T22:00:00Z', ny)).toBe(false);
  });
  it('a night shift across midnight (24:00)', () => {
    const nights: Calendar = { utcOffset: '+00:00', workingHours: { sun: [['22:00', '24:00']], mon: [['00:00', '02:00']] } };
    expect(addBusinessDuration('2026-03-01T23:00:00Z', 'PT2H', nights)).toBe('2026-03-02T01:00:00.000Z');
    expect(addBusinessDuration('2026-03-01T23:00:00Z', 'PT3H', nights)).toBe('2026-03-02T02:00:00.000Z');
    expect(addBusinessDuration('2026-03-01T23:00:00Z', 'PT4H', nights)).toBe('2026-03-08T23:00:00.000Z');
  });
  it('a half-hour offset', () => {
    const india: Calendar = { utcOffset: '+05:30', workingHours: { mon: [['10:00', '18:00']] } };
    expect(addBusinessDuration('2026-03-02T04:30:00Z', 'PT1H', india)).toBe('2026-03-02T05:30:00.000Z');
  });
  it('the year turns over holidays', () => {
    const starter = JSON.parse(readFileSync(new URL('../../schemas/starter-pack/calendars/business.json', import.meta.url), 'utf8')) as Calendar;
    expect(checkCalendar(starter)).toEqual([]);
    // Thursday 2025-12-31 17:00 local + 2h: Jan 1 is a holiday, so Friday Jan 2 10:00.
    expect(addBusinessDuration('2025-12-31T17:00:00+08:00', 'PT2H', starter)).toBe(utc('2026-01-02T10:00:00+08:00'));
    // National day week: from Wednesday 2026-09-30 17:00, 2 hours -> Thursday 2026-10-08 10:00.
    expect(addBusinessDuration('2026-09-30T17:00:00+08:00', 'PT2H', starter)).toBe(utc('2026-10-08T10:00:00+08:00'));
  });
});

describe('isWorkingTime / nextWorkingTime / workingHoursBetween', () => {
  it.each([
    [local('2026-03-02', '09:00'), true],
    [local('2026-03-02', '08:59:59'), false],
    [local('2026-03-02', '11:59:59'), true],
    [local('2026-03-02', '12:00'), false],
    [local('2026-03-02', '17:59'), true],
    [local('2026-03-02', '18:00'), false],
    [local('2026-03-07', '10:00'), false],
    [local('2026-03-04', '10:00'), false],
    ['2026-03-02T02:00:00Z', true],
    ['2026-03-02T10:00:00Z', false],
  ])('%s -> %s', (at, expected) => {
    expect(isWorkingTime(at, cn)).toBe(expected);
  });
  it('nextWorkingTime', () => {
    expect(nextWorkingTime(local('2026-03-02', '10:00'), cn)).toBe(utc(local('2026-03-02', '10:00')));
    expect(nextWorkingTime(local('2026-03-02', '12:00'), cn)).toBe(utc(local('2026-03-02', '13:00')));
    expect(nextWorkingTime(local('2026-03-03', '18:00'), cn)).toBe(utc(local('2026-03-05', '09:00')));
  });
  it('workingHoursBetween inverts addBusinessDuration', () => {
    expect(workingHoursBetween(local('2026-03-02', '09:00'), local('2026-03-03', '09:00'), cn)).toBe(8);
    expect(workingHoursBetween(local('2026-03-02', '09:00'), local('2026-03-10', '18:00'), cn)).toBe(48);
    for (const hours of [1, 3, 7, 8, 9, 13, 48, 100]) {
      const start = local('2026-03-02', '10:17');
      expect(workingHoursBetween(start, addBusinessDuration(start, `PT${hours}H`, cn), cn)).toBe(hours);
    }
  });
});

describe('checkCalendar', () => {
  it('accepts a sound calendar', () => {
    expect(checkCalendar(cn)).toEqual([]);
  });
  it.each([
    ['bad offset', { ...cn, utcOffset: '8' }, '/utcOffset'],
    ['offset beyond 14h', { ...cn, utcOffset: '+14:30' }, '/utcOffset'],
    ['period backwards', { ...cn, workingHours: { mon: [['18:00', '09:00']] } }, '/workingHours/mon/0'],
    ['empty period', { ...cn, workingHours: { mon: [['09:00', '09:00']] } }, '/workingHours/mon/0'],
    ['overlap', { ...cn, workingHours: { mon: [['09:00', '12:00'], ['11:00', '13:00']] } }, '/workingHours/mon/1'],
    ['not ascending', { ...cn, workingHours: { mon: [['13:00', '18:00'], ['09:00', '12:00']] } }, '/workingHours/mon/1'],
    ['bad time', { ...cn, workingHours: { mon: [['9:00', '12:00']] } }, '/workingHours/mon/0'],
    ['starts at 24:00', { ...cn, workingHours: { mon: [['24:00', '24:00']] } }, '/workingHours/mon/0'],
    ['no working time', { ...cn, workingHours: {} }, '/workingHours'],
    ['impossible holiday', { ...cn, holidays: ['2026-02-30'] }, '/holidays/0'],
  ] as [string, Calendar, string][])('%s', (_name, calendar, path) => {
    expect(checkCalendar(calendar).map((p) => p.path)).toContain(path);
    expect(() => addBusinessDuration('2026-03-02T01:00:00Z', 'PT1H', calendar)).toThrow(DomainError);
  });
  it('a calendar whose only working day is always a holiday fails instead of looping', () => {
    const cal: Calendar = { utcOffset: '+00:00', workingHours: { mon: [['09:00', '10:00']] }, holidays: ['2026-03-02'] };
    expect(addBusinessDuration('2026-03-02T09:00:00Z', 'PT1H', cal)).toBe('2026-03-09T10:00:00.000Z');
  });
});
