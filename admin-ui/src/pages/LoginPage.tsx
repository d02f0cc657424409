import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { asApiError, post, setToken } from '../api';
import { LanguageSwitch } from '../components/LanguageSwitch';
import type { User } from '../types';

interface Credentials { username: string; password: string }

export function LoginPage({ expired, onSignedIn }: { expired: boolean; onSignedIn: (user: User) => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(values: Credentials) {
    setBusy(true);
    setError('');
    try {
      const result = await post<{ token: string; user: User }>('/api/auth/login', values);
      setToken(result.token);
      onSignedIn(result.user);
    } catch (e) {
      setError(asApiError(e).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login-page">
      <Card className="login-card" data-testid="login-form" extra={<LanguageSwitch />} title={<Typography.Title level={3} style={{ margin: 0 }}>{t('login.title')}</Typography.Title>}>
        {expired && <Alert type="warning" showIcon title={t('login.expired')} data-testid="session-expired" style={{ marginBottom: 16 }} />}
        <Form<Credentials> id="login" layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false}>
          <Form.Item label={t('login.user')} name="username" rules={[{ required: true }]}>
            <Input name="username" autoComplete="username" prefix={<UserOutlined />} />
          </Form.Item>
          <Form.Item label={t('login.password')} name="password" rules={[{ required: true }]}>
            <Input.Password name="password" autoComplete="current-password" prefix={<LockOutlined />} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} block>{t('login.submit')}</Button>
          <div id="login-error" data-testid="login-error" role="alert" className="login-error">{error}</div>
        </Form>
      </Card>
    </div>
  );
}
