import { useEffect, useState } from 'react';
import { asApiError, get, query, type ApiError } from '../api';
import { isAdmin, useSession } from '../config-context';
import { ErrorBox } from '../components/ErrorBox';
import { Link, navigate, searchParam } from '../router';
import type { CrmRecord, InboxResponse, Task } from '../types';
import { InboxRow } from './InboxRow';

const scopes = [
  { id: 'mine', label: 'Mine' },
  { id: 'candidate', label: 'Candidate' },
  { id: 'delegated', label: 'Delegated to me' },
  { id: 'all', label: 'All', admin: true },
];

async function recordsOf(tasks: Task[]): Promise<Record<string, CrmRecord | null>> {
  const keys = [...new Set(tasks.map((t) => `${t.entity}/${t.recordId}`))];
  const loaded = await Promise.all(keys.map((k) => get<CrmRecord>(`/api/records/${k}`).catch(() => null)));
  return Object.fromEntries(keys.map((k, i) => [k, loaded[i]]));
}

export function InboxPage({ path }: { path: string }) {
  const { user } = useSession();
  const scope = searchParam(path, 'scope') ?? 'mine';
  const [inbox, setInbox] = useState<InboxResponse | null>(null);
  const [records, setRecords] = useState<Record<string, CrmRecord | null>>({});
  const [error, setError] = useState<ApiError | null>(null);

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
  }, [scope]);

  return (
    <section id="inbox" data-testid="inbox">
      <h2>Inbox</h2>
      <div className="tabs" role="tablist">
        {scopes.filter((s) => !s.admin || isAdmin(user)).map((s) => (
          <Link key={s.id} to={`/?scope=${s.id}`} role="tab" aria-selected={s.id === scope} className={s.id === scope ? 'tab active' : 'tab'} data-testid={`scope-${s.id}`}>
            {s.label}{inbox?.counts[s.id] !== undefined && <span className="count">{inbox.counts[s.id]}</span>}
          </Link>
        ))}
        {inbox && inbox.counts.overdue > 0 && <span className="overdue-count" data-testid="overdue-count">{inbox.counts.overdue} overdue</span>}
      </div>
      <ErrorBox error={error} testId="inbox-error" />
      {inbox && (
        <table className="tasks">
          <thead><tr><th>Task</th><th>Record</th><th>Requested by</th><th>Due</th><th>Created</th><th>Status</th></tr></thead>
          <tbody id="tasks">
            {inbox.items.map((t) => (
              <InboxRow key={t.id} task={t} record={records[`${t.entity}/${t.recordId}`] ?? null} onOpen={() => navigate(`/tasks/${encodeURIComponent(t.id)}`)} />
            ))}
          </tbody>
        </table>
      )}
      {inbox && inbox.items.length === 0 && <p id="empty" className="muted" data-testid="inbox-empty">Nothing waits for you.</p>}
    </section>
  );
}
