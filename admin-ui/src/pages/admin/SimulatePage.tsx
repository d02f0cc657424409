import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Card, Checkbox, Col, Descriptions, Empty, Form, Input, Row, Select, Space, Table, Tag, Timeline, Typography } from 'antd';
import { PlayCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { asApiError, get, post, type ApiError } from '../../api';
import { useSession } from '../../config-context';
import { ErrorBox } from '../../components/ErrorBox';
import { dateTime } from '../../format';
import { localize, useLocale } from '../../i18n';
import { Link, replace, searchParam } from '../../router';
import { draftBundle } from './config-kinds';
import { useDrafts } from './drafts';
import { AdminTabs } from './AdminTabs';
import './strings';
import { JsonEditor } from './JsonEditor';
import { defaultScript, issuesByInput, offsetText, type SimulationResult } from './simulation';

type Bundle = Record<string, unknown>;
const statusColor: Record<string, string> = { completed: 'green', failed: 'red', cancelled: 'default', waiting: 'gold', running: 'blue' };
const pretty = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/**
 * Runs a process on simulated time (POST /api/config/simulate, decision 0088) with a sample record and a script of
 * task answers, events and edits, against the published configuration or the editor's drafts, and shows its timeline.
 */
export default function SimulatePage({ path }: { path: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { user } = useSession();
  const drafts = useDrafts();
  const [published, setPublished] = useState<Bundle | null>(null);
  const process = searchParam(path, 'process') ?? undefined;
  const [record, setRecord] = useState('{}\n');
  const [script, setScript] = useState('{}\n');
  const [requester, setRequester] = useState(user.username);
  const [until, setUntil] = useState('P90D');
  const [useDraft, setUseDraft] = useState(Object.keys(drafts).length > 0);
  const [result, setResult] = useState<SimulationResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => { get<Bundle>('/api/config').then(setPublished).catch((e) => setError(asApiError(e))); }, []);

  const processes = (published?.processes ?? {}) as Record<string, { label?: Record<string, string>; entity?: string }>;
  // A new process starts from its default script; the record is the admin's to fill.
  useEffect(() => {
    if (process && published) setScript(pretty(defaultScript(processes[process])));
    setResult(null);
  }, [process, published]);

  const inputIssues = useMemo(() => issuesByInput(error?.details ?? []), [error]);

  async function run() {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const body: Record<string, unknown> = { process, record: JSON.parse(record), script: JSON.parse(script), requester, until };
      if (useDraft) body.bundle = draftBundle(published ?? {}, Object.fromEntries(Object.entries(drafts).map(([k, v]) => [k, JSON.parse(v)])));
      setResult(await post<SimulationResult>('/api/config/simulate', body));
    } catch (e) {
      setError(e instanceof SyntaxError ? asApiError(new Error(`${t('admin.notJson')}: ${e.message}`)) : asApiError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section data-testid="simulate-page">
      <Typography.Title level={2}>{t('admin.simulateTitle')}</Typography.Title>
      <AdminTabs active="simulate" />
      <Form layout="inline" style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item label={t('admin.process')}>
          <Select
            value={process} style={{ width: 260 }} data-testid="sim-process" aria-label={t('admin.process')} showSearch placeholder={t('admin.pickItem')}
            options={Object.entries(processes).map(([name, p]) => ({ value: name, label: `${localize(p.label, locale, name)} (${name})` }))}
            onChange={(name) => replace(`/config/simulate?process=${encodeURIComponent(name)}`)}
          />
        </Form.Item>
        <Form.Item label={t('admin.requester')}><Input value={requester} onChange={(e) => setRequester(e.target.value)} data-testid="sim-requester" style={{ width: 140 }} /></Form.Item>
        <Form.Item label={t('admin.until')}><Input value={until} onChange={(e) => setUntil(e.target.value)} data-testid="sim-until" style={{ width: 100 }} /></Form.Item>
        {Object.keys(drafts).length > 0 && (
          <Form.Item><Checkbox checked={useDraft} onChange={(e) => setUseDraft(e.target.checked)} data-testid="sim-use-draft">{t('admin.useDrafts')}</Checkbox></Form.Item>
        )}
        <Button type="primary" icon={<PlayCircleOutlined />} onClick={() => void run()} loading={busy} disabled={!process} data-testid="sim-run">{t('admin.run')}</Button>
        {process && <Link to={`/config/edit/processes/${encodeURIComponent(process)}`} style={{ marginLeft: 16 }}>{t('admin.openInEditor')}</Link>}
      </Form>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('admin.sampleRecord', { entity: process ? processes[process]?.entity ?? '' : '' })} style={{ marginBottom: 16 }}>
            <JsonEditor value={record} onChange={setRecord} issues={inputIssues.record} testId="sim-record" minHeight="160px" />
          </Card>
          <Card size="small" title={t('admin.script')}>
            <JsonEditor value={script} onChange={setScript} issues={inputIssues.script} testId="sim-script" minHeight="220px" />
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <ErrorBox error={error} testId="sim-error" />
          {!result && !error && <Empty description={t('admin.noSimulation')} />}
          {result && <SimulationView result={result} />}
        </Col>
      </Row>
    </section>
  );
}

function SimulationView({ result }: { result: SimulationResult }) {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle" data-testid="sim-result">
      <Descriptions size="small" bordered column={2}>
        <Descriptions.Item label={t('admin.simStatus')}><Tag color={statusColor[result.status]} data-testid="sim-status" data-status={result.status}>{result.status}</Tag></Descriptions.Item>
        <Descriptions.Item label={t('admin.outcome')}><span data-testid="sim-outcome">{result.outcome ?? '—'}</span></Descriptions.Item>
        <Descriptions.Item label={t('admin.simulated')}>{offsetText(result.start, result.end)}</Descriptions.Item>
        <Descriptions.Item label={t('admin.elapsed')}>{(result.elapsedMs / 1000).toFixed(1)} s</Descriptions.Item>
      </Descriptions>
      {result.error && <Alert type="error" showIcon title={`${result.error.code} ${result.error.message}`} />}
      {result.waitingFor && <Alert type="warning" showIcon data-testid="sim-waiting" title={t('admin.waitingFor', { what: JSON.stringify(result.waitingFor) })} />}
      {result.unused.length > 0 && <Alert type="warning" showIcon data-testid="sim-unused" title={t('admin.unused', { entries: result.unused.join(', ') })} />}
      <Card size="small" title={t('admin.timeline')}>
        <Timeline
          data-testid="sim-timeline"
          items={result.timeline.map((e) => ({
            color: e.event?.includes('fail') ? 'red' : e.event?.includes('complete') || e.event === 'approved' ? 'green' : 'blue',
            content: (
              <div data-testid="sim-entry" data-step={e.step ?? ''} data-event={e.event ?? ''}>
                <Tag>{offsetText(result.start, e.at)}</Tag> <strong>{e.step}</strong> {e.event}
                {e.detail && Object.keys(e.detail).length > 0 && <code className="sim-detail"> {JSON.stringify(e.detail)}</code>}
                <div className="muted">{dateTime(e.at)}</div>
              </div>
            ),
          }))}
        />
      </Card>
      <Card size="small" title={t('admin.tasks')}>
        <Table
          size="small" rowKey={(r) => `${r.step}-${r.createdAt}`} dataSource={result.tasks} pagination={false} data-testid="sim-tasks"
          columns={[
            { key: 'step', title: t('admin.step'), render: (_, r) => <code>{r.step}</code> },
            { key: 'title', title: t('admin.taskTitle'), dataIndex: 'title' },
            { key: 'who', title: t('admin.decidedBy'), render: (_, r) => r.actor ?? r.assignee ?? '' },
            { key: 'outcome', title: t('admin.outcome'), render: (_, r) => r.outcome ?? r.status },
            { key: 'when', title: t('admin.when'), render: (_, r) => `${offsetText(result.start, r.createdAt)}${r.completedAt ? ` → ${offsetText(result.start, r.completedAt)}` : ''}` },
          ]}
        />
      </Card>
      {result.recordChanges.length > 0 && (
        <Card size="small" title={t('admin.recordChanges')}>
          <ul className="plain-list" data-testid="sim-record-changes">
            {result.recordChanges.map((c, i) => <li key={i}><Tag>{offsetText(result.start, c.at)}</Tag> {c.action} <code>{JSON.stringify(c.set)}</code></li>)}
          </ul>
        </Card>
      )}
      {result.notifications.length > 0 && (
        <Card size="small" title={t('admin.notifications')}>
          <ul className="plain-list" data-testid="sim-notifications">
            {result.notifications.map((n, i) => <li key={i}><Tag>{offsetText(result.start, n.at)}</Tag> {n.to}: {n.title}</li>)}
          </ul>
        </Card>
      )}
    </Space>
  );
}
