import { localize, type Locale } from './i18n/localize.js';
import type { EntityDefinition } from './types.js';

/** In the app's language: i18n sets `<html lang>` (zh-CN / en); outside a browser, the runtime's default. */
export function dateTime(value: string | null | undefined): string {
  if (!value) return '';
  const date = new Date(value);
  const page = (globalThis as { document?: { documentElement: { lang: string } } }).document; // also typechecked without DOM (test/unit)
  const lang = page?.documentElement.lang || undefined;
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString(lang);
}

/** A span as `2d 3h`, `45m` (whole minutes, negative spans as 0m). */
export function spanText(ms: number): string {
  let minutes = Math.max(0, Math.round(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  minutes -= days * 1440;
  const hours = Math.floor(minutes / 60);
  minutes -= hours * 60;
  return [days ? `${days}d` : '', hours ? `${hours}h` : '', minutes ? `${minutes}m` : ''].filter(Boolean).join(' ') || '0m';
}

/** The share of a task's allowed time under which its SLA clock warns (decision 0089). */
export const slaWarnShare = 0.25;

/**
 * A task's SLA clock from when it was created to its due time: the time left (or over), `warn` once less than a
 * quarter of the allowed time is left, `breached` past due. Null without a due time.
 */
export function slaClock(createdAt: string, dueAt: string | null | undefined, now = Date.now()): { state: 'ok' | 'warn' | 'breached'; left: string } | null {
  if (!dueAt) return null;
  const due = Date.parse(dueAt);
  const left = due - now;
  if (left < 0) return { state: 'breached', left: spanText(-left) };
  const allowed = due - Date.parse(createdAt);
  return { state: allowed > 0 && left < allowed * slaWarnShare ? 'warn' : 'ok', left: spanText(left) };
}

export function isOverdue(dueAt: string | null | undefined, now = Date.now()): boolean {
  return !!dueAt && new Date(dueAt).getTime() < now;
}

export function entityLabel(name: string, entity: EntityDefinition | undefined, locale: Locale): string {
  return localize(entity?.label, locale, name);
}

/** The record's title: its entity's titleField, else its id. */
export function recordTitle(data: Record<string, unknown> | undefined, entity: EntityDefinition | undefined, fallback: string): string {
  const value = entity && data ? data[entity.titleField] : undefined;
  return value === undefined || value === null || value === '' ? fallback : String(value);
}

export function short(value: unknown): string {
  if (value === undefined) return '—';
  if (value === null) return 'null';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
