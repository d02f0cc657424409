import { useEffect, useState, type HTMLAttributes } from 'react';
import { Card, Col, Empty, Row, Select, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { asApiError, get, type ApiError } from '../api';
import { ErrorBox } from '../components/ErrorBox';
import { dateTime } from '../format';
import type { ConfigChange, ConfigVersion } from '../types';

const changeColor: Record<ConfigChange['change'], string> = { added: 'green', removed: 'red', modified: 'gold' };

/** Published configuration versions and the diff between two of them. */
export default function ConfigPage() {
  const { t } = useTranslation();
  const [versions, setVersions] = useState<ConfigVersion[]>([]);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [changes, setChanges] = useState<ConfigChange[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    get<{ items: ConfigVersion[] }>('/api/config/versions').then(({ items }) => {
      setVersions(items);
      if (items.length) {
        setTo(items[0].version);
        setFrom(items[Math.min(1, items.length - 1)].version);
      }
    }).catch((e) => setError(asApiError(e)));
  }, []);

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
      <ErrorBox error={error} testId="config-error" />
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
