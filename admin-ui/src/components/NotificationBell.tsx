import { useCallback, useEffect, useState } from 'react';
import { asApiError, get, post, type ApiError } from '../api';
import { dateTime } from '../format';
import { navigate } from '../router';
import type { Notification } from '../types';
import { ErrorBox } from './ErrorBox';

const pollMs = 5000;

/** Unread count, the list of the latest notifications, mark one or all read. Polls while the page is open. */
export function NotificationBell() {
  const [items, setItems] = useState<Notification[]>([]);
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(async () => {
    try {
      const result = await get<{ items: Notification[]; unread: number }>('/api/notifications?limit=20');
      setItems(result.items);
      setUnread(result.unread);
      setError(null);
    } catch (e) {
      setError(asApiError(e));
    }
  }, []);

  useEffect(() => {
    void load();
    const timer = window.setInterval(() => void load(), pollMs);
    return () => window.clearInterval(timer);
  }, [load]);

  async function markRead(n: Notification) {
    if (!n.readAt) await post(`/api/notifications/${n.id}/read`).catch((e) => setError(asApiError(e)));
    await load();
    if (n.link?.taskId) {
      setOpen(false);
      navigate(`/tasks/${encodeURIComponent(n.link.taskId)}`);
    }
  }

  async function markAll() {
    await post('/api/notifications/read-all').catch((e) => setError(asApiError(e)));
    await load();
  }

  return (
    <div className="bell">
      <button type="button" className="bell-button" data-testid="bell" onClick={() => { setOpen(!open); void load(); }} aria-label="Notifications">
        <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z" /></svg>{' '}
        <span className={unread ? 'badge' : 'badge zero'} data-testid="bell-count">{unread}</span>
      </button>
      {open && (
        <div className="bell-panel card" data-testid="bell-panel">
          <div className="row-between"><strong>Notifications</strong><button type="button" className="link" onClick={markAll}>Mark all read</button></div>
          <ErrorBox error={error} />
          {items.length === 0 && <p className="muted">Nothing yet.</p>}
          <ul>
            {items.map((n) => (
              <li key={n.id} className={n.readAt ? 'read' : 'unread'} data-testid="notification" data-kind={n.kind}>
                <button type="button" className="link" onClick={() => void markRead(n)}>{n.title}</button>
                <div className="muted small">{n.body} · {dateTime(n.createdAt)}</div>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
