import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Breadcrumb, Button, Card, Col, Row, Space, Spin, Tag, Typography } from 'antd';
import { SendOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { asApiError, get, post, type ApiError } from '../api';
import { useSession } from '../config-context';
import { localize, useLocale } from '../i18n';
import { ErrorBox } from '../components/ErrorBox';
import { ProcessPanel } from '../components/ProcessPanel';
import { RecordTimeline } from '../components/RecordTimeline';
import { StageBar } from '../components/StageBar';
import { enumLabel, fieldLabel } from '../form/field-ui';
import { dateTime, entityLabel, recordTitle } from '../format';
import { Link, navigate } from '../router';
import type { CrmRecord, HistoryEntry, ProcessDetail } from '../types';
import { RecordForm } from './RecordForm';

const sleep = (ms: number) => new Promise((resolve) => window.setTimeout(resolve, ms));

/** `hidden`: runs that hold the record's locks but that this user may not read (not the requester, no task of theirs). */
interface Loaded { record: CrmRecord; history: HistoryEntry[]; processes: ProcessDetail[]; hidden: string[] }

/**
 * One record: the edit form (locked fields read-only while an approval is pending), "submit for approval" while no
 * process runs on it, the running process with "Recall" for the requester, and the timeline of its history.
 */
export default function RecordPage({ entity: name, id }: { entity: string; id?: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { config } = useSession();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const known = useRef(new Set<string>());
  const [notice, setNotice] = useState('');

  const load = useCallback(async (): Promise<Loaded | null> => {
    if (!id) return null;
    try {
      const [record, h] = await Promise.all([get<CrmRecord>(`/api/records/${name}/${id}`), get<{ items: HistoryEntry[] }>(`/api/records/${name}/${id}/history`)]);
      for (const p of record.locks?.processIds ?? []) known.current.add(p);
      for (const entry of h.items) if (typeof entry.context?.processId === 'string') known.current.add(entry.context.processId);
      // Only the runs this user may read: the list shows just those, so no page load asks for a run it would be refused.
      const visible = new Set((await get<{ items: { id: string }[] }>(`/api/processes?recordId=${id}&limit=200`)).items.map((p) => p.id));
      const processes = (await Promise.all([...known.current].filter((p) => visible.has(p)).map((p) => get<ProcessDetail>(`/api/processes/${encodeURIComponent(p)}`).catch(() => null))))
        .filter((p): p is ProcessDetail => p !== null);
      const hidden = (record.locks?.processIds ?? []).filter((p) => !visible.has(p));
      const next = { record, history: h.items, processes, hidden };
      setLoaded(next);
      setError(null);
      return next;
    } catch (e) {
      setError(asApiError(e));
      return null;
    }
  }, [name, id]);

  useEffect(() => { void load(); }, [load]);

  const entity = config?.entities[name];
  if (!config) return <Spin />;
  if (!entity) return <ErrorBox error={asApiError(new Error(t('records.notConfigured', { name })))} />;
  const label = entityLabel(name, entity, locale);
  const crumbs = (title: string) => <Breadcrumb items={[{ title: <Link to={`/records/${name}`}>{t('records.backToList', { entity: label })}</Link> }, { title }]} />;

  if (!id) {
    return (
      <section data-testid="record-page">
        {crumbs(t('records.newOf', { entity: label }))}
        <Typography.Title level={2}>{t('records.newOf', { entity: label })}</Typography.Title>
        <Card><RecordForm name={name} entity={entity} onSaved={(r) => navigate(`/records/${name}/${r.id}`)} /></Card>
      </section>
    );
  }

  const processes = Object.entries(config.processes ?? {}).filter(([, p]) => p.entity === name && (p.trigger?.on ?? 'manual') === 'manual');
  const record = loaded?.record;
  const running = (loaded?.processes ?? []).filter((p) => p.status === 'running');
  const locked = record?.locks?.fields ?? [];
  const properties = ((entity.schema as { properties?: Record<string, unknown> }).properties) ?? {};
  const status = record?.data.status;

  /** Reloads until `done` holds (the workflow applies a submit or a recall shortly after the API answered). */
  async function refreshUntil(done: (next: Loaded) => boolean) {
    for (let i = 0; i < 30; i++) {
      const next = await load();
      if (next && done(next)) return;
      await sleep(300);
    }
  }

  async function afterRecall(processId: string) {
    setNotice(t('process.recalled'));
    await refreshUntil((next) => next.processes.every((p) => p.id !== processId || p.status !== 'running'));
  }

  async function submitForApproval(process: string) {
    if (!record) return;
    setError(null);
    setBusy(true);
    try {
      const started = await post<{ id: string }>('/api/processes', { process, entity: name, recordId: record.id });
      known.current.add(started.id);
      setNotice(t('records.submitted', { process: localize(config?.processes?.[process]?.label, locale, process) }));
      // The process starts asynchronously: refresh until its lock (or its end) shows on the record.
      await refreshUntil((next) => {
        const p = next.processes.find((x) => x.id === started.id);
        return !!p && (p.status !== 'running' || (next.record.locks?.processIds ?? []).includes(started.id));
      });
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section data-testid="record-page" data-record-id={id}>
      {crumbs(record ? recordTitle(record.data, entity, record.id) : '…')}
      <div className="row-between">
        <Typography.Title level={2}>{record ? recordTitle(record.data, entity, record.id) : <Spin />}</Typography.Title>
        {typeof status === 'string' && <Tag color="blue" data-testid="record-status" data-status={status}>{enumLabel(properties.status, status, locale)}</Tag>}
      </div>
      {record && <Typography.Paragraph type="secondary" className="small">{t('records.version', { version: record.version, at: dateTime(record.updatedAt), by: record.updatedBy ?? record.createdBy })}</Typography.Paragraph>}
      {record && <StageBar entityName={name} entity={entity} record={record} onMoved={() => void load()} />}
      <ErrorBox error={error} testId="record-page-error" />
      {notice && <Alert type="success" showIcon closable={{ onClose: () => setNotice('') }} title={notice} data-testid="notice" style={{ marginBottom: 16 }} />}
      {running.map((p) => <ProcessPanel key={p.id} process={p} onChanged={() => void afterRecall(p.id)} />)}
      {(loaded?.hidden ?? []).map((p) => (
        <div key={p} data-testid="process-panel" data-process-id={p} data-status="running" style={{ marginBottom: 16 }}>
          <Alert type="info" showIcon title={t('process.inApprovalOfOthers')} />
        </div>
      ))}
      {record && running.length === 0 && !loaded?.hidden.length && processes.length > 0 && (
        <Space wrap className="process-actions" style={{ marginBottom: 16 }}>
          {processes.map(([process, p]) => (
            <Button key={process} type="primary" icon={<SendOutlined />} loading={busy} data-testid="submit-for-approval" data-process={process} onClick={() => void submitForApproval(process)}>
              {processes.length > 1 ? t('records.submitNamed', { process: localize(p.label, locale, process) }) : t('records.submit')}
            </Button>
          ))}
        </Space>
      )}
      {locked.length > 0 && (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} data-testid="locked-fields" data-fields={locked.join(',')}
          title={t('records.locked', { fields: locked.map((f) => fieldLabel(properties[f], f, locale)).join(', ') })} />
      )}
      {record && (
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={14}>
            <Card title={t('records.edit')}>
              <RecordForm key={`${record.version}:${locked.join(',')}`} name={name} entity={entity} record={record} locked={locked}
                onSaved={() => { setNotice(t('records.saved')); void load(); }} />
            </Card>
          </Col>
          <Col xs={24} lg={10}>
            <Card title={t('timeline.title')} data-testid="timeline"><RecordTimeline items={loaded?.history ?? []} entity={entity} /></Card>
          </Col>
        </Row>
      )}
    </section>
  );
}
