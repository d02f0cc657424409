import { useEffect, useState } from 'react';
import { Badge, Empty, Segmented, Skeleton, Tag, Typography } from 'antd';
import { ClockCircleOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { asApiError, get, query, type ApiError } from '../api';
import { isAdmin, useSession } from '../config-context';
import { ErrorBox } from '../components/ErrorBox';
import { BulkApproveBar, BulkCheckbox, bulkApprovable } from '../components/BulkApprove';
import { localize, useLocale } from '../i18n';
import { dateTime, isOverdue, recordTitle } from '../format';
import { Link, navigate, searchParam } from '../router';
import type { CrmRecord, InboxResponse, Task } from '../types';

const scopes = [
  { id: 'mine', admin: false }, { id: 'candidate', admin: false }, { id: 'delegated', admin: false }, { id: 'all', admin: true },
] as const;

async function recordsOf(tasks: Task[]): Promise<Record<string, CrmRecord | null>> {
  const keys = [...new Set(tasks.map((t) => `${t.entity}/${t.recordId}`))];
  const loaded = await Promise.all(keys.map((k) => get<CrmRecord>(`/api/records/${k}`).catch(() => null)));
  return Object.fromEntries(keys.map((k, i) => [k, loaded[i]]));
}

/**
 * The approver's inbox: scope switch with counts, one row per task. Rows are a list, not a table, so they reflow at
 * phone width, and the page stays off the table and tabs chunks (the inbox's JS budget, docs/performance.md).
 */
export default function InboxPage({ path }: { path: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { user, config } = useSession();
  const scope = searchParam(path, 'scope') ?? 'mine';
  const [inbox, setInbox] = useState<InboxResponse | null>(null);
  const [records, setRecords] = useState<Record<string, CrmRecord | null>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const result = await get<InboxResponse>(`/api/inbox${query({ scope, sort: '-createdAt' })}`);
        const recs = await recordsOf(result.items);
        if (!live) return;
        setInbox(result);
        setRecords(recs);
        setError(null);
      } catch (e) {
        if (live) setError(asApiError(e));
      }
    })();
    return () => { live = false; };
  }, [scope, reload]);

  const options = scopes.filter((s) => !s.admin || isAdmin(user)).map((s) => ({
    value: s.id,
    label: (
      <span data-testid={`scope-${s.id}`} className="scope">
        {t(`inbox.${s.id}`)}{inbox?.counts[s.id] !== undefined && <Badge count={inbox.counts[s.id]} showZero size="small" color={s.id === scope ? '#1f5fbf' : '#8c8c8c'} className="scope-count" />}
      </span>
    ),
  }));

  return (
    <section id="inbox" data-testid="inbox">
      <div className="row-between">
        <Typography.Title level={2}>{t('inbox.title')}</Typography.Title>
        {inbox && inbox.counts.overdue > 0 && <Tag color="red" data-testid="overdue-count">{t('inbox.overdue', { count: inbox.counts.overdue })}</Tag>}
      </div>
      <div className="scopes"><Segmented value={scope} options={options} onChange={(key) => navigate(`/?scope=${key}`)} /></div>
      <ErrorBox error={error} testId="inbox-error" />
      <BulkApproveBar ids={[...selected].filter((id) => inbox?.items.some((x) => x.id === id))} onDone={() => { setSelected(new Set()); setReload((n) => n + 1); }} />
      {!inbox && !error && <Skeleton active />}
      {inbox && inbox.items.length === 0 && <Empty data-testid="inbox-empty" description={t('inbox.empty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />}
      {inbox && inbox.items.length > 0 && (
        <ul id="tasks" className="task-list" aria-label={t('inbox.title')}>
          {inbox.items.map((task) => {
            const entity = config?.entities[task.entity];
            const overdue = isOverdue(task.dueAt);
            const href = `/tasks/${encodeURIComponent(task.id)}`;
            return (
              <li key={task.id} data-task-id={task.id} data-testid="inbox-row" className={overdue ? 'task-row clickable overdue' : 'task-row clickable'} onClick={() => navigate(href)}>
                {bulkApprovable(task, user) && (
                  <BulkCheckbox task={task} checked={selected.has(task.id)} onChange={(on) => setSelected((current) => {
                    const next = new Set(current);
                    if (on) next.add(task.id); else next.delete(task.id);
                    return next;
                  })} />
                )}
                <div className="task-main">
                  <Link to={href} onClick={(e) => e.stopPropagation()} className="task-link">{task.title}</Link>
                  <div className="task-record">
                    <Tag>{localize(entity?.label, locale, task.entity)}</Tag>
                    <span data-testid="record-title">{recordTitle(records[`${task.entity}/${task.recordId}`]?.data, entity, task.recordId)}</span>
                  </div>
                </div>
                <div className="task-meta">
                  {task.requester && <span className="requester"><UserOutlined /> {task.requester}</span>}
                  <span className={overdue ? 'due overdue' : 'due'} data-testid="due">
                    {task.dueAt && <><ClockCircleOutlined /> {dateTime(task.dueAt)}</>}{overdue && <Tag color="red" className="overdue-tag">{t('status.overdue')}</Tag>}
                  </span>
                  <span className="created">{t('inbox.created')} {dateTime(task.createdAt)}</span>
                  <Tag color={task.status === 'claimed' ? 'gold' : 'blue'}>{t(`status.${task.status}`)}</Tag>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
