import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import { en } from './en';
import { zh } from './zh';

import type { Locale } from './localize';

export { localize, locales, type Locale } from './localize';
const storageKey = 'flowcrm-locale';

function storedLocale(): Locale {
  const stored = localStorage.getItem(storageKey);
  if (stored === 'en' || stored === 'zh') return stored;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

void i18next.use(initReactI18next).init({
  resources: { en: { translation: en }, zh: { translation: zh } },
  lng: storedLocale(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});

const htmlLang = (locale: Locale) => (locale === 'zh' ? 'zh-CN' : 'en');
document.documentElement.lang = htmlLang(i18next.language === 'zh' ? 'zh' : 'en');

export function setLocale(locale: Locale): void {
  localStorage.setItem(storageKey, locale);
  document.documentElement.lang = htmlLang(locale); // before the re-render: dateTime() reads it
  void i18next.changeLanguage(locale);
}

export function useLocale(): Locale {
  const { i18n } = useTranslation();
  return i18n.language === 'zh' ? 'zh' : 'en';
}


export { i18next };
