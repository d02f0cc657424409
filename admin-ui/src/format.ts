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
