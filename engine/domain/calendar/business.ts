import { DomainError, ErrorCode, type ErrorDetail } from '../errors.js';
import { exactMillis, parseIsoDuration, type Duration } from './duration.js';
import { formatDate, formatInstant, MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, parseDate, parseInstant, parseOffset, weekdayOfDay } from './instant.js';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** `['09:00', '12:00']`: working time from the first minute up to, not including, the second; `24:00` ends a day. */
export type WorkingPeriod = [string, string];

/** A business calendar, as configured in `calendars/*.json`. One fixed UTC offset: no daylight saving. */
export type Calendar = {
  label?: { en: string; [locale: string]: string | undefined };
  /** `+08:00`: local time = UTC + offset. */
  utcOffset: string;
  /** Working periods per weekday, in local time, ascending and not overlapping; a missing day is not worked. */
  workingHours: Partial<Record<Weekday, WorkingPeriod[]>>;
  /** Local dates (`YYYY-MM-DD`) that are not worked at all. */
  holidays?: string[];
};

type Compiled = { offsetMs: number; periods: [number, number][][]; holidays: Set<number> };

/** How far ahead a search for working time goes before the calendar is declared to have none. */
const SEARCH_DAYS = 3660;

const timePattern = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

function minutesOf(text: unknown): number | null {
  if (typeof text !== 'string' || !timePattern.test(text)) return null;
  const [h, m] = text.split(':').map(Number);
  return h * 60 + m;
}

function problemsOf(fn: () => unknown): ErrorDetail[] {
  try {
    fn();
    return [];
  } catch (error) {
    return error instanceof DomainError ? error.details : [{ path: '', message: String(error) }];
  }
}

/**
 * Every problem of a calendar, each with a JSON pointer into it: offset, times (`HH:MM`, start before end, ascending,
 * not overlapping), holidays (real dates), and at least one working period in the week. Empty when it is sound.
 */
export function checkCalendar(calendar: Calendar): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  problems.push(...problemsOf(() => parseOffset(calendar.utcOffset, '/utcOffset')));
  let anyPeriod = false;
  for (const day of WEEKDAYS) {
    const periods: unknown[] = Array.isArray(calendar.workingHours?.[day]) ? calendar.workingHours[day] : [];
    let previousEnd = -1;
    periods.forEach((item, i) => {
      const path = `/workingHours/${day}/${i}`;
      const period = (Array.isArray(item) ? item : []) as string[];
      const [start, end] = [minutesOf(period[0]), minutesOf(period[1])];
      if (start === null || end === null || start === 24 * 60) {
        problems.push({ path, message: `${JSON.stringify(item)} is not a pair of times "HH:MM" (00:00 to 24:00)` });
        return;
      }
      if (start >= end) problems.push({ path, message: `period ${period[0]}-${period[1]} must start before it ends` });
      else if (start < previousEnd) problems.push({ path, message: `period ${period[0]}-${period[1]} overlaps or precedes the one before it` });
      else anyPeriod = true;
      previousEnd = Math.max(previousEnd, end);
    });
  }
  if (!anyPeriod) problems.push({ path: '/workingHours', message: 'the calendar has no working time in any weekday' });
  const holidays: unknown[] = Array.isArray(calendar.holidays) ? calendar.holidays : [];
  holidays.forEach((date, i) => problems.push(...problemsOf(() => parseDate(String(date), `/holidays/${i}`))));
  return problems;
}

function compile(calendar: Calendar): Compiled {
  const problems = checkCalendar(calendar);
  if (problems.length) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `invalid calendar: ${problems[0].message}`, problems);
  }
  const periods = WEEKDAYS.map((day) =>
    (calendar.workingHours[day] ?? []).map(([s, e]): [number, number] => [minutesOf(s)! * MS_PER_MINUTE, minutesOf(e)! * MS_PER_MINUTE]),
  );
  return {
    offsetMs: parseOffset(calendar.utcOffset) * MS_PER_MINUTE,
    periods,
    holidays: new Set((calendar.holidays ?? []).map((d) => parseDate(d))),
  };
}

function periodsOfDay(c: Compiled, day: number): [number, number][] {
  return c.holidays.has(day) ? [] : c.periods[weekdayOfDay(day)];
}

/** The first working instant at or after `local` (milliseconds of local time since the epoch). */
function nextWorkingLocal(c: Compiled, local: number): number {
  const firstDay = Math.floor(local / MS_PER_DAY);
  for (let day = firstDay; day < firstDay + SEARCH_DAYS; day++) {
    const timeOfDay = day === firstDay ? local - day * MS_PER_DAY : 0;
    for (const [start, end] of periodsOfDay(c, day)) {
      if (timeOfDay < end) return day * MS_PER_DAY + Math.max(timeOfDay, start);
    }
  }
  throw new DomainError(ErrorCode.VALIDATION_FAILED, `the calendar has no working time within ${SEARCH_DAYS} days of ${formatDate(firstDay)}`);
}

/** The end of the working period that contains `local` (which must be working time). */
function periodEndLocal(c: Compiled, local: number): number {
  const day = Math.floor(local / MS_PER_DAY);
  const timeOfDay = local - day * MS_PER_DAY;
  const period = periodsOfDay(c, day).find(([s, e]) => s <= timeOfDay && timeOfDay < e)!;
  return day * MS_PER_DAY + period[1];
}

/** Whether the instant falls inside a working period of a working day (period ends are excluded). */
export function isWorkingTime(iso: string, calendar: Calendar): boolean {
  const c = compile(calendar);
  const local = parseInstant(iso) + c.offsetMs;
  const day = Math.floor(local / MS_PER_DAY);
  const timeOfDay = local - day * MS_PER_DAY;
  return periodsOfDay(c, day).some(([s, e]) => s <= timeOfDay && timeOfDay < e);
}

/** The instant itself when it is working time, else the start of the next working period (UTC ISO). */
export function nextWorkingTime(iso: string, calendar: Calendar): string {
  const c = compile(calendar);
  return formatInstant(nextWorkingLocal(c, parseInstant(iso) + c.offsetMs) - c.offsetMs);
}

/**
 * Adds a duration counting only working time. The clock starts at the first working instant at or after `startIso`.
 * - Days (`P2D`): whole working days: the same local time of day on the 2nd following working day (weekends and
 *   holidays skipped); when that time is not working time there, the next working instant after it.
 * - Hours, minutes, seconds (`PT48H`): that much working time, skipping breaks, nights, weekends and holidays. A
 *   deadline that lands exactly on the end of a period is that end (`PT8H` from Mon 09:00 is Mon 18:00, not Tue 09:00).
 * - Days are applied first, then the time part (`P1DT4H`).
 * - Years, months and weeks have no agreed length in working time and are VALIDATION_FAILED.
 */
export function addBusinessDuration(startIso: string, duration: Duration | string, calendar: Calendar): string {
  const d = typeof duration === 'string' ? parseIsoDuration(duration) : duration;
  if (d.years || d.months || d.weeks) {
    const message = 'a duration on a business calendar may use only days, hours, minutes and seconds (not years, months or weeks)';
    throw new DomainError(ErrorCode.VALIDATION_FAILED, message, [{ path: '', message }]);
  }
  const c = compile(calendar);
  let t = nextWorkingLocal(c, parseInstant(startIso) + c.offsetMs);
  for (let i = 0; i < (d.days ?? 0); i++) {
    const day = Math.floor(t / MS_PER_DAY);
    const timeOfDay = t - day * MS_PER_DAY;
    const next = nextWorkingLocal(c, (day + 1) * MS_PER_DAY);
    const nextDay = Math.floor(next / MS_PER_DAY);
    t = nextWorkingLocal(c, nextDay * MS_PER_DAY + timeOfDay);
  }
  let remaining = exactMillis({ hours: d.hours, minutes: d.minutes, seconds: d.seconds });
  while (remaining > 0) {
    const end = periodEndLocal(c, t);
    if (remaining <= end - t) {
      t += remaining;
      break;
    }
    remaining -= end - t;
    t = nextWorkingLocal(c, end);
  }
  return formatInstant(t - c.offsetMs);
}

/** Working time between two instants, in hours (for dashboards and tests). */
export function workingHoursBetween(fromIso: string, toIso: string, calendar: Calendar): number {
  const c = compile(calendar);
  let t = nextWorkingLocal(c, parseInstant(fromIso) + c.offsetMs);
  const until = parseInstant(toIso) + c.offsetMs;
  let total = 0;
  while (t < until) {
    const end = Math.min(periodEndLocal(c, t), until);
    total += end - t;
    t = nextWorkingLocal(c, end);
  }
  return total / MS_PER_HOUR;
}
