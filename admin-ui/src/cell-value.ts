import { localize, type Locale } from './i18n/localize.js';
import { enumLabel } from './form/field-ui.js';
import { short } from './format.js';
import type { Config } from './types.js';

type Schema = Record<string, unknown>;

/** A field's value as a list cell shows it: picklist and enum labels in the locale, money with its currency. */
export function cellValue(schema: unknown, value: unknown, config: Config | null, locale: Locale): string {
  if (value === undefined || value === null) return '';
  const s = (schema && typeof schema === 'object' ? schema : {}) as Schema;
  const picklist = typeof s['x-picklist'] === 'string' ? config?.picklists?.[s['x-picklist']] : undefined;
  const pick = (v: unknown) => localize(picklist?.values.find((p) => p.value === v)?.label, locale, String(v));
  if (picklist) return Array.isArray(value) ? value.map(pick).join(', ') : pick(value);
  if (Array.isArray(s.enum)) return enumLabel(s, value, locale);
  if (s['x-type'] === 'money' && typeof value === 'object') {
    const m = value as { amount?: number; currency?: string };
    return m.amount === undefined ? '' : `${m.currency ?? ''} ${m.amount.toLocaleString(locale === 'zh' ? 'zh-CN' : 'en')}`.trim();
  }
  if (s['x-type'] === 'percent' && typeof value === 'number') return `${value}%`;
  if (typeof value === 'number') return value.toLocaleString(locale === 'zh' ? 'zh-CN' : 'en');
  if (Array.isArray(s.items) || Array.isArray(value)) return Array.isArray(value) ? String(value.length) : short(value);
  return short(value);
}
