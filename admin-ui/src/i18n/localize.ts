/** Locales the app speaks; pure (no i18next), so field-ui.ts and cell-value.ts stay unit-testable in Node. */
export type Locale = 'en' | 'zh';
export const locales: Locale[] = ['en', 'zh'];

/** A configuration label (`{en, zh}`) in the chosen locale, English when the locale has none. */
export function localize(text: Partial<Record<string, string | undefined>> | string | undefined | null, locale: Locale, fallback = ''): string {
  if (!text) return fallback;
  if (typeof text === 'string') return text;
  return text[locale] ?? text.en ?? fallback;
}
