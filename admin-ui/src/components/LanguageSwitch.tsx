import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { setLocale, useLocale, type Locale } from '../i18n';

/** English / 中文: the app's strings, antd's locale and the configuration's labels all follow it; kept in localStorage. */
export function LanguageSwitch() {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <Segmented<Locale>
      size="small" aria-label={t('app.language')} value={locale} onChange={setLocale} data-testid="language-switch"
      options={[{ value: 'en', label: 'EN' }, { value: 'zh', label: '中文' }]}
    />
  );
}
