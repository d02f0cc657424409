import { useState } from 'react';
import { Alert, Button, Popconfirm, Space, Tag, Typography } from 'antd';
import { RollbackOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { asApiError, post, type ApiError } from '../api';
import { useSession } from '../config-context';
import { localize, useLocale } from '../i18n';
import { dateTime, slaClock } from '../format';
import type { ProcessDetail } from '../types';
import { ErrorBox } from './ErrorBox';

const slaColor = { ok: 'green', warn: 'orange', breached: 'red' } as const;

/** A running process on the record: what it waits for with each task's SLA clock (time left, warn, breached), and "Recall" for the requester (POST /api/processes/:id/recall). */
export function ProcessPanel({ process, onChanged }: { process: ProcessDetail; onChanged: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { user, config } = useSession();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const label = localize(config?.processes?.[process.process]?.label, locale, process.process);
  const waiting = process.openTasks.map((task) => ({
    id: task.id, text: t('process.waitingFor', { who: task.candidates.join(', '), step: task.step ?? '' }), dueAt: task.dueAt, clock: slaClock(task.createdAt, task.dueAt),
  }));
  const mayRecall = process.status === 'running' && process.startedBy === user.username;

  async function recall() {
    setBusy(true);
    setError(null);
    try {
      await post(`/api/processes/${encodeURIComponent(process.id)}/recall`, {});
      onChanged();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div data-testid="process-panel" data-process-id={process.id} data-status={process.status} style={{ marginBottom: 16 }}>
      <Alert
        type="info" showIcon
        title={<Space wrap><strong data-testid="running-process">{t('process.inApproval', { process: label })}</strong><Tag color="processing">{t('status.running')}</Tag></Space>}
        description={(
          <>
            {waiting.map((w) => (
              <div key={w.id} data-testid="waiting-for">
                {w.text}
                {w.dueAt && w.clock && (
                  <> · {t('inbox.due')} {dateTime(w.dueAt)}{' '}
                    <Tag color={slaColor[w.clock.state]} data-testid="sla-clock" data-state={w.clock.state}>
                      {t(`sla.${w.clock.state}`, { left: w.clock.left })}
                    </Tag>
                  </>
                )}
              </div>
            ))}
            <Typography.Text type="secondary" className="small">{t('process.startedBy', { who: process.startedBy, at: dateTime(process.startedAt) })}</Typography.Text>
          </>
        )}
        action={mayRecall && (
          <Popconfirm title={t('process.recallConfirm')} onConfirm={() => void recall()} okButtonProps={{ 'data-testid': 'recall-confirm' }}>
            <Button icon={<RollbackOutlined />} loading={busy} data-testid="recall">{t('process.recall')}</Button>
          </Popconfirm>
        )}
      />
      <ErrorBox error={error} testId="recall-error" />
    </div>
  );
}
