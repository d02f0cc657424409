/**
 * The cron expressions of schedule triggers, as Temporal Schedules read them: five fields (minute, hour, day of
 * month, month, day of week), each `*`, a value, a range `a-b`, a step `x/n` or a comma list of those; months and
 * days may be named (JAN, MON); or one of the macros @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly.
 */

const macros = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const monthNames = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const dayNames = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface Field {
  name: string;
  min: number;
  max: number;
  /** Names for the values from `min` on. */
  names?: string[];
}

const fields: Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: monthNames },
  // 7 is Sunday as well, as in most cron dialects.
  { name: 'day of week', min: 0, max: 7, names: dayNames },
];

/** The problem of a cron expression, or null when it is sound. */
export function cronProblem(expression: string): string | null {
  const text = expression.trim();
  if (macros.has(text.toLowerCase())) return null;
  const parts = text.split(/\s+/);
  if (parts.length !== fields.length) {
    return `"${expression}" has ${parts.length} field(s); a cron expression has 5 (minute hour day-of-month month day-of-week) or is a macro such as @daily`;
  }
  for (let i = 0; i < fields.length; i++) {
    const problem = fieldProblem(parts[i], fields[i]);
    if (problem !== null) return `"${expression}": ${problem}`;
  }
  return null;
}

function fieldProblem(text: string, field: Field): string | null {
  for (const item of text.split(',')) {
    const [range, step, ...rest] = item.split('/');
    if (rest.length > 0 || (step !== undefined && !/^[1-9]\d*$/.test(step))) return `the ${field.name} step in "${item}" must be a positive number`;
    if (range === '*') continue;
    const [from, to, ...more] = range.split('-');
    if (more.length > 0) return `the ${field.name} range "${range}" is not a-b`;
    const low = valueOf(from, field);
    const high = to === undefined ? low : valueOf(to, field);
    if (low === null || high === null) return `the ${field.name} "${range}" is not a value between ${field.min} and ${field.max}`;
    if (low > high) return `the ${field.name} range "${range}" runs backwards`;
  }
  return null;
}

function valueOf(text: string, field: Field): number | null {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return field.min + named;
  if (!/^\d+$/.test(text)) return null;
  const value = Number(text);
  return value >= field.min && value <= field.max ? value : null;
}
