import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Empty, Popover, Typography } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { asApiError, get, post, type ApiError } from '../api';
import { dateTime } from '../format';
import { navigate } from '../router';
import type { Notification } from '../types';
import { ErrorBox } from './ErrorBox';

const pollMs = 5000;

/** Unread count, the list of the latest notifications, mark one or all read. Polls while the page is open. */
export function NotificationBell() {
  const { t } = useTranslation();
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
    setOpen(false);
    if (n.link?.taskId) navigate(`/tasks/${encodeURIComponent(n.link.taskId)}`);
    else if (n.link?.entity && n.link.recordId) navigate(`/records/${n.link.entity}/${n.link.recordId}`);
  }

  async function markAll() {
    await post('/api/notifications/read-all').catch((e) => setError(asApiError(e)));
    await load();
  }

  const panel = (
    <div className="bell-panel" data-testid="bell-panel">
      <ErrorBox error={error} />
      {items.length === 0 && <Empty description={t('bell.empty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />}
      <ul className="plain-list">
        {items.map((n) => (
          <li key={n.id} className={n.readAt ? 'read' : 'unread'} data-testid="notification" data-kind={n.kind}>
            <Button type="link" size="small" className="notification-link" onClick={() => void markRead(n)}>{n.title}</Button>
            <div><Typography.Text type="secondary" className="small">{n.body} · {dateTime(n.createdAt)}</Typography.Text></div>
          </li>
        ))}
      </ul>
    </div>
  );

  return (
    <Popover
      open={open} onOpenChange={(next) => { setOpen(next); if (next) void load(); }} trigger="click" placement="bottomRight"
      title={<div className="row-between"><span>{t('bell.title')}</span><Button type="link" size="small" onClick={() => void markAll()}>{t('bell.markAll')}</Button></div>}
      content={panel}
    >
      <Button type="text" className="bell-button" data-testid="bell" aria-label={t('bell.label')}>
        <Badge count={unread} size="small" showZero={false}><BellOutlined className="bell-icon" /></Badge>
        <span className="visually-hidden" data-testid="bell-count">{unread}</span>
      </Button>
    </Popover>
  );
}
