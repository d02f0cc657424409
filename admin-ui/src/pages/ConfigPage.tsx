import { useEffect, useState, type HTMLAttributes } from 'react';
import { Alert, Button, Card, Col, Empty, Popconfirm, Row, Select, Space, Table, Tag, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import { RollbackOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { asApiError, get, post, type ApiError } from '../api';
import { useSession } from '../config-context';
import { ErrorBox } from '../components/ErrorBox';
import { dateTime } from '../format';
import type { ConfigChange, ConfigVersion } from '../types';
import { AdminTabs } from './admin/AdminTabs';

const changeColor: Record<ConfigChange['change'], string> = { added: 'green', removed: 'red', modified: 'gold' };

/** Published configuration versions, the diff between two of them, and rollback (republishing an earlier one). */
export default function ConfigPage() {
  const { t } = useTranslation();
  const [versions, setVersions] = useState<ConfigVersion[]>([]);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [changes, setChanges] = useState<ConfigChange[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loads, setLoads] = useState(0);
  const [rolledBack, setRolledBack] = useState<{ version: number; republished: number } | null>(null);
  const { reloadConfig } = useSession();

  const [refused, setRefused] = useState<number | null>(null);

  /** A rollback that would break stored records is refused (422 INCOMPATIBLE_CHANGE) until the admin forces it. */
  async function rollback(version: number, force = false) {
    setError(null);
    setRefused(null);
    try {
      setRolledBack(await post<{ version: number; republished: number }>('/api/config/rollback', force ? { version, force } : { version }));
      setLoads((n) => n + 1);
      reloadConfig?.();
    } catch (e) {
      const failure = asApiError(e);
      setError(failure);
      if (failure.code === 'INCOMPATIBLE_CHANGE') setRefused(version);
    }
  }

  useEffect(() => {
    get<{ items: ConfigVersion[] }>('/api/config/versions').then(({ items }) => {
      setVersions(items);
      if (items.length) {
        setTo(items[0].version);
        setFrom(items[Math.min(1, items.length - 1)].version);
      }
    }).catch((e) => setError(asApiError(e)));
  }, [loads]);

  useEffect(() => {
    if (from === null || to === null) return;
    setChanges(null);
    get<{ changes: ConfigChange[] }>(`/api/config/versions/${from}/diff/${to}`)
      .then((d) => { setChanges(d.changes); setError(null); })
      .catch((e) => setError(asApiError(e)));
  }, [from, to]);

  const picker = (value: number | null, set: (v: number) => void, testId: string) => (
    <Select value={value ?? undefined} onChange={set} data-testid={testId} style={{ width: 90 }} aria-label={testId}
      options={versions.map((v) => ({ value: v.version, label: `v${v.version}` }))} />
  );

  return (
    <section data-testid="config-page">
      <Typography.Title level={2}>{t('config.title')}</Typography.Title>
      <AdminTabs active="versions" />
      <ErrorBox error={error} testId="config-error" />
      {refused !== null && (
        <Popconfirm title={t('admin.forceConfirm')} onConfirm={() => void rollback(refused, true)} okButtonProps={{ 'data-testid': 'rollback-force-confirm' } as ButtonProps}>
          <Button danger style={{ marginBottom: 16 }} data-testid="rollback-force">{t('admin.rollbackForce', { version: refused })}</Button>
        </Popconfirm>
      )}
      {rolledBack && <Alert type="success" showIcon style={{ marginBottom: 16 }} data-testid="rolled-back" data-version={rolledBack.version} title={t('admin.rolledBack', rolledBack)} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card title={t('config.versions')}>
            <Table<ConfigVersion>
              rowKey="version" size="small" data-testid="config-versions" dataSource={versions} pagination={{ pageSize: 10, hideOnSinglePage: true }}
              onRow={(v) => ({ 'data-testid': 'config-version', 'data-version': v.version }) as HTMLAttributes<HTMLElement>}
              columns={[
                { key: 'version', title: t('config.version'), render: (_, v) => `v${v.version}` },
                { key: 'author', title: t('config.author'), render: (_, v) => v.author ?? '' },
                { key: 'published', title: t('config.published'), render: (_, v) => dateTime(v.createdAt) },
                { key: 'hash', title: t('config.hash'), responsive: ['md'], render: (_, v) => <code>{v.hash.slice(0, 12)}</code> },
                {
                  key: 'rollback', title: '', render: (_, v) => v.version !== versions[0]?.version && (
                    <Popconfirm title={t('admin.rollbackConfirm', { version: v.version })} onConfirm={() => void rollback(v.version)} okButtonProps={{ 'data-testid': 'rollback-confirm' } as ButtonProps}>
                      <Button size="small" icon={<RollbackOutlined />} data-testid="rollback" aria-label={t('admin.rollbackTo', { version: v.version })}>{t('admin.rollback')}</Button>
                    </Popconfirm>
                  ),
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={<Space>{t('config.diff')} {picker(from, setFrom, 'diff-from')} → {picker(to, setTo, 'diff-to')}</Space>}>
            {changes && changes.length === 0 && <Empty description={t('config.noDiff')} data-testid="diff-empty" image={Empty.PRESENTED_IMAGE_SIMPLE} />}
            {changes && changes.length > 0 && (
              <ul className="diff plain-list" data-testid="config-diff">
                {changes.map((c, i) => (
                  <li key={i} className={`change ${c.change}`}>
                    <Tag color={changeColor[c.change]}>{c.change}</Tag> <strong>{c.kind}</strong> {c.name}
                    {c.paths.length > 0 && <ul className="paths">{c.paths.map((p) => <li key={p}><code>{p}</code></li>)}</ul>}
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </Col>
      </Row>
    </section>
  );
}
