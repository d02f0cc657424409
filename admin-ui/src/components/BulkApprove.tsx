import { useState } from 'react';
import { Alert, Button } from 'antd';
import { CheckOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { asApiError, post, type ApiError } from '../api';
import type { Task, User } from '../types';
import { ErrorBox } from './ErrorBox';

export interface BulkResult { id: string; ok: boolean; error?: { code: string; message: string } }

/** An approval the signed-in user may decide now: the API still judges each one (self-approval, separation of duties). */
export const bulkApprovable = (task: Task, user: User) =>
  task.kind === 'approval' && (task.status === 'open' || task.assignee === user.username)
  && (task.assignee === user.username || task.candidates.includes(user.username)) && task.requester !== user.username;

/** A checkbox that selects one inbox row for bulk approval; clicks do not open the row. */
export function BulkCheckbox({ task, checked, onChange }: { task: Task; checked: boolean; onChange: (checked: boolean) => void }) {
  const { t } = useTranslation();
  return (
    <label className="bulk-check" onClick={(e) => e.stopPropagation()}>
      <input type="checkbox" checked={checked} data-testid="bulk-select" onChange={(e) => onChange(e.target.checked)} />
      <span className="visually-hidden">{t('bulk.selectTask', { title: task.title })}</span>
    </label>
  );
}

/** "Approve selected" with one reason for all: `POST /api/tasks/bulk-approve`, then the result of every task. */
export function BulkApproveBar({ ids, onDone }: { ids: string[]; onDone: (results: BulkResult[]) => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [summary, setSummary] = useState<BulkResult[] | null>(null);

  async function approve() {
    setBusy(true);
    setError(null);
    try {
      const { items } = await post<{ items: BulkResult[] }>('/api/tasks/bulk-approve', { ids, ...(reason.trim() ? { comment: reason.trim() } : {}) });
      setSummary(items);
      setReason('');
      onDone(items);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  }

  const failed = summary?.filter((r) => !r.ok) ?? [];
  return (
    <div className="bulk-bar" data-testid="bulk-bar">
      {ids.length > 0 && (
        <div className="bulk-actions">
          <label className="bulk-reason">
            <span>{t('bulk.reason')}</span>
            <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} data-testid="bulk-reason" className="ant-input" />
          </label>
          <Button type="primary" icon={<CheckOutlined />} loading={busy} onClick={() => void approve()} data-testid="bulk-approve">{t('bulk.approve', { count: ids.length })}</Button>
        </div>
      )}
      {summary && (
        <Alert type={failed.length ? 'warning' : 'success'} showIcon closable={{ onClose: () => setSummary(null) }} data-testid="bulk-result" style={{ marginBottom: 12 }}
          title={t('bulk.done', { ok: summary.length - failed.length, failed: failed.length })}
          description={failed.length > 0 && <ul className="error-details">{failed.map((f) => <li key={f.id} data-testid="bulk-failed" data-task-id={f.id}><code>{f.error?.code}</code> {f.error?.message}</li>)}</ul>} />
      )}
      <ErrorBox error={error} testId="bulk-error" />
    </div>
  );
}
