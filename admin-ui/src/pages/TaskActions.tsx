import { useState, type FormEvent } from 'react';
import { asApiError, post, type ApiError } from '../api';
import { ErrorBox } from '../components/ErrorBox';
import type { TaskDetail } from '../types';

/** Claim / release for candidate tasks and "delegate to…" for open ones. */
export function TaskActions({ task, me, onChanged }: { task: TaskDetail; me: string; onChanged: () => void }) {
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

  async function delegate(event: FormEvent) {
    event.preventDefault();
    if (await act('delegate', { to: to.trim() })) setShowDelegate(false);
  }

  return (
    <div className="task-actions">
      {canClaim && <button type="button" data-testid="claim" onClick={() => void act('claim')}>Claim</button>}
      {canRelease && <button type="button" data-testid="release" onClick={() => void act('release')}>Release</button>}
      <button type="button" className="secondary" data-testid="delegate-toggle" onClick={() => setShowDelegate(!showDelegate)}>Delegate to…</button>
      {showDelegate && (
        <form className="inline-form" onSubmit={delegate} data-testid="delegate-form">
          <input name="to" placeholder="username" value={to} onChange={(e) => setTo(e.target.value)} required />
          <button type="submit">Delegate</button>
        </form>
      )}
      <ErrorBox error={error} testId="task-action-error" />
    </div>
  );
}
