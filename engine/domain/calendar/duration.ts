import { DomainError, ErrorCode } from '../errors.js';
import { civilFromDays, daysFromCivil, daysInMonth, formatInstant, MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, parseInstant } from './instant.js';

/** An ISO-8601 duration split into its designators; absent parts are zero. */
export type Duration = {
  years?: number;
  months?: number;
  weeks?: number;
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
};

export const DURATION_UNITS = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'] as const;

/*
 * The grammar of JSON Schema's `format: duration` (RFC 3339 appendix A, as ajv-formats checks it): whole numbers only,
 * weeks never combined with other units, at least one part, a `T` only before a time part.
 */
const durationPattern = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const weeksPattern = /^P(\d+)W$/;

function fail(message: string, path = ''): never {
  throw new DomainError(ErrorCode.VALIDATION_FAILED, message, [{ path, message }]);
}

/** `PT48H` -> `{hours: 48}`, `P1Y2M3DT4H5M6S` -> every part; anything else is VALIDATION_FAILED. */
export function parseIsoDuration(text: string, path = ''): Duration {
  if (typeof text !== 'string') fail(`a duration must be a string like "PT48H", got ${JSON.stringify(text)}`, path);
  const weeks = weeksPattern.exec(text);
  if (weeks) return { weeks: Number(weeks[1]) };
  const m = durationPattern.exec(text);
  if (!m || text === 'P' || text.endsWith('T') || m.slice(1).every((x) => x === undefined)) {
    fail(`"${text}" is not an ISO-8601 duration (e.g. PT48H, P2D, P1DT12H, P1W); fractions and signs are not supported`, path);
  }
  const result: Duration = {};
  DURATION_UNITS.filter((u) => u !== 'weeks').forEach((unit, i) => {
    if (m[i + 1] !== undefined) result[unit] = Number(m[i + 1]);
  });
  return result;
}

export function isZeroDuration(d: Duration): boolean {
  return DURATION_UNITS.every((u) => !d[u]);
}

/** Every part multiplied by `factor` (a whole number). */
export function scaleDuration(d: Duration, factor: number): Duration {
  const out: Duration = {};
  for (const unit of DURATION_UNITS) if (d[unit]) out[unit] = d[unit] * factor;
  return out;
}

export function sumDurations(a: Duration, b: Duration): Duration {
  const out: Duration = {};
  for (const unit of DURATION_UNITS) if (a[unit] || b[unit]) out[unit] = (a[unit] ?? 0) + (b[unit] ?? 0);
  return out;
}

/** The fixed-length part (weeks, days, hours, minutes, seconds) in milliseconds. */
export function exactMillis(d: Duration): number {
  return (
    ((d.weeks ?? 0) * 7 + (d.days ?? 0)) * MS_PER_DAY +
    (d.hours ?? 0) * MS_PER_HOUR +
    (d.minutes ?? 0) * MS_PER_MINUTE +
    (d.seconds ?? 0) * 1000
  );
}

/**
 * Wall-clock addition in UTC: years and months move the calendar date (a day past the end of the target month is
 * clamped to its last day: 2026-01-31 + P1M = 2026-02-28), then weeks, days, hours, minutes and seconds are added as
 * fixed lengths (UTC has no daylight saving, so a day is always 24 hours). Returns an ISO timestamp in UTC.
 */
export function addDuration(startIso: string, duration: Duration | string): string {
  const d = typeof duration === 'string' ? parseIsoDuration(duration) : duration;
  let ms = parseInstant(startIso);
  if (d.years || d.months) {
    const days = Math.floor(ms / MS_PER_DAY);
    const timeOfDay = ms - days * MS_PER_DAY;
    const { year, month, day } = civilFromDays(days);
    const index = year * 12 + (month - 1) + (d.years ?? 0) * 12 + (d.months ?? 0);
    const [y, mo] = [Math.floor(index / 12), (index % 12) + 1];
    ms = daysFromCivil(y, mo, Math.min(day, daysInMonth(y, mo))) * MS_PER_DAY + timeOfDay;
  }
  return formatInstant(ms + exactMillis(d));
}
