import { DomainError, ErrorCode } from '../errors.js';

/**
 * Instants as epoch milliseconds, parsed and printed without the Date object: the domain runs inside Temporal
 * workflows and must not depend on the host clock or time zone. All arithmetic is on the proleptic Gregorian calendar.
 */

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

const instantPattern =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

function fail(message: string, path = ''): never {
  throw new DomainError(ErrorCode.VALIDATION_FAILED, message, [{ path, message }]);
}

/** Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of a day number (inverse of daysFromCivil). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function daysInMonth(year: number, month: number): number {
  return daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - daysFromCivil(year, month, 1);
}

/** 0 = Sunday ... 6 = Saturday; 1970-01-01 was a Thursday. */
export function weekdayOfDay(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

/** Parses `YYYY-MM-DD` into a day number, rejecting impossible dates such as 2026-02-30. */
export function parseDate(text: string, path = ''): number {
  const m = datePattern.exec(text);
  if (!m) fail(`"${text}" is not a date (YYYY-MM-DD)`, path);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) fail(`"${text}" is not a valid date`, path);
  return daysFromCivil(year, month, day);
}

export function formatDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Parses `±HH:MM` (or `Z`) into minutes east of UTC. */
export function parseOffset(text: string, path = ''): number {
  if (text === 'Z') return 0;
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(text);
  if (!m || Number(m[3]) > 59 || Number(m[2]) * 60 + Number(m[3]) > 14 * 60) {
    fail(`"${text}" is not a UTC offset between -14:00 and +14:00 (±HH:MM)`, path);
  }
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

/**
 * Parses an RFC 3339 timestamp with an explicit offset (`2026-03-02T09:00:00Z`, `2026-03-02T17:00+08:00`) into epoch
 * milliseconds. Local times without an offset are rejected: they name no instant.
 */
export function parseInstant(text: string, path = ''): number {
  const m = typeof text === 'string' ? instantPattern.exec(text) : null;
  if (!m) fail(`${JSON.stringify(text)} is not an ISO-8601 timestamp with an offset (e.g. 2026-03-02T09:00:00Z)`, path);
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) fail(`"${text}" has an impossible time of day`, path);
  const days = parseDate(`${m[1]}-${m[2]}-${m[3]}`, path);
  const millis = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const offset = parseOffset(m[8], path);
  return days * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * 1000 + millis - offset * MS_PER_MINUTE;
}

/** Prints epoch milliseconds like Date#toISOString: `2026-03-02T09:00:00.000Z`. */
export function formatInstant(ms: number): string {
  const days = Math.floor(ms / MS_PER_DAY);
  let rest = ms - days * MS_PER_DAY;
  const hour = Math.floor(rest / MS_PER_HOUR);
  rest -= hour * MS_PER_HOUR;
  const minute = Math.floor(rest / MS_PER_MINUTE);
  rest -= minute * MS_PER_MINUTE;
  const second = Math.floor(rest / 1000);
  const millis = rest - second * 1000;
  return `${formatDate(days)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(millis, 3)}Z`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
