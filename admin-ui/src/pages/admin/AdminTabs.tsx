import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { navigate } from '../../router';
import './strings';

const tabs = [
  { key: 'versions', to: '/config' },
  { key: 'edit', to: '/config/edit' },
  { key: 'simulate', to: '/config/simulate' },
] as const;

/** The configuration section's pages, under the one "Configuration" menu item. */
export function AdminTabs({ active }: { active: (typeof tabs)[number]['key'] }) {
  const { t } = useTranslation();
  return (
    <Tabs
      activeKey={active} onChange={(key) => navigate(tabs.find((tab) => tab.key === key)?.to ?? '/config')}
      items={tabs.map((tab) => ({ key: tab.key, label: <span data-testid={`config-tab-${tab.key}`}>{t(`admin.tabs.${tab.key}`)}</span> }))}
    />
  );
}
