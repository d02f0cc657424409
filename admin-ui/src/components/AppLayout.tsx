import type { ReactNode } from 'react';
import { Button, Layout, Menu, Tooltip } from 'antd';
import { LogoutOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { isAdmin, useSession } from '../config-context';
import { navigate } from '../router';
import { LanguageSwitch } from './LanguageSwitch';
import { NotificationBell } from './NotificationBell';

/** The section a path belongs to, for the highlighted menu item. */
function sectionOf(path: string): string {
  const first = path.split('?')[0].split('/')[1] ?? '';
  return first === '' || first === 'tasks' ? 'inbox' : first;
}

export function AppLayout({ path, onSignOut, children }: { path: string; onSignOut: () => void; children: ReactNode }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const items = [
    { key: 'inbox', to: '/', label: t('nav.inbox') },
    { key: 'records', to: '/records', label: t('nav.records') },
    { key: 'pipelines', to: '/pipelines', label: t('staff.nav.pipelines') },
    { key: 'dashboards', to: '/dashboards', label: t('staff.nav.dashboards') },
    { key: 'delegations', to: '/delegations', label: t('nav.delegations') },
    ...(isAdmin(user) ? [{ key: 'config', to: '/config', label: t('nav.config') }] : []),
  ];
  return (
    <Layout className="app-layout">
      <Layout.Header className="topbar">
        <strong className="brand">{t('app.brand')}</strong>
        <Menu
          mode="horizontal" theme="dark" selectedKeys={[sectionOf(path)]} className="topnav"
          items={items.map((i) => ({ key: i.key, label: <a href={`/admin${i.to}`} data-testid={`nav-${i.key}`} onClick={(e) => { e.preventDefault(); navigate(i.to); }}>{i.label}</a> }))}
        />
        <span className="topbar-tools">
          <LanguageSwitch />
          <NotificationBell />
          <span className="me" title={t('app.signedInAs', { name: user.username })}><strong id="me" data-testid="me">{user.username}</strong></span>
          <Tooltip title={t('app.signOut')}>
            <Button type="text" className="sign-out" icon={<LogoutOutlined />} onClick={onSignOut} data-testid="sign-out" aria-label={t('app.signOut')} />
          </Tooltip>
        </span>
      </Layout.Header>
      <Layout.Content className="page">{children}</Layout.Content>
    </Layout>
  );
}
