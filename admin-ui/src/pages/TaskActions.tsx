import { useState } from 'react';
import { Button, Input, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { asApiError, post, type ApiError } from '../api';
import { ErrorBox } from '../components/ErrorBox';
import type { TaskDetail } from '../types';

/** Claim / release for candidate tasks and "delegate to…" for open ones. */
export function TaskActions({ task, me, onChanged }: { task: TaskDetail; me: string; onChanged: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<ApiError | null>(null);
  const [to, setTo] = useState('');
  const [showDelegate, setShowDelegate] = useState(false);
  const open = task.status === 'open' || task.status === 'claimed';
  if (!open) return null;
  const candidate = task.candidates.includes(me);
  const canClaim = candidate && task.candidates.length > 1 && !task.assignee;
  const canRelease = candidate && task.status === 'claimed' && task.assignee === me && task.candidates.length > 1;

  async function act(path: string, body?: unknown) {
    setError(null);
    try {
      await post(`/api/tasks/${encodeURIComponent(task.id)}/${path}`, body);
      onChanged();
      return true;
    } catch (e) {
      setError(asApiError(e));
      return false;
    }
  }

  return (
    <div className="task-actions">
      <Space wrap>
        {canClaim && <Button type="primary" data-testid="claim" onClick={() => void act('claim')}>{t('task.claim')}</Button>}
        {canRelease && <Button data-testid="release" onClick={() => void act('release')}>{t('task.release')}</Button>}
        <Button data-testid="delegate-toggle" onClick={() => setShowDelegate(!showDelegate)}>{t('task.delegateTo')}</Button>
      </Space>
      {showDelegate && (
        <form className="inline-form" data-testid="delegate-form" onSubmit={(e) => { e.preventDefault(); void act('delegate', { to: to.trim() }).then((ok) => ok && setShowDelegate(false)); }}>
          <Space.Compact>
            <Input name="to" aria-label={t('task.username')} placeholder={t('task.username')} value={to} onChange={(e) => setTo(e.target.value)} required />
            <Button type="primary" htmlType="submit">{t('task.delegate')}</Button>
          </Space.Compact>
        </form>
      )}
      <ErrorBox error={error} testId="task-action-error" />
    </div>
  );
}
