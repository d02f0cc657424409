import type { ReactNode } from 'react';
import { ConfigProvider } from 'antd';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useLocale } from './i18n';

/** antd's and dayjs's locale follow the app's language. */
export function LocaleProvider({ children }: { children: ReactNode }) {
  const locale = useLocale();
  dayjs.locale(locale === 'zh' ? 'zh-cn' : 'en'); // idempotent; before the pickers render
  return (
    <ConfigProvider locale={locale === 'zh' ? zhCN : enUS} theme={{ token: { colorPrimary: '#1f5fbf', borderRadius: 6 } }}>
      {children}
    </ConfigProvider>
  );
}
