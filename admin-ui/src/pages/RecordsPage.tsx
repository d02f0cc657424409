import { useEffect, useState } from 'react';
import { asApiError, get, query, type ApiError } from '../api';
import { useSession } from '../config-context';
import { ErrorBox } from '../components/ErrorBox';
import { dateTime, entityLabel, recordTitle, short } from '../format';
import { Link, navigate } from '../router';
import type { CrmRecord } from '../types';

const pageSize = 20;

/** Pick an entity, page through its records (cursor paging), open or create one. */
export function RecordsPage({ entity }: { entity?: string }) {
  const { config } = useSession();
  const names = Object.keys(config?.entities ?? {});
  const name = entity ?? names[0];
  const definition = name ? config?.entities[name] : undefined;
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<{ items: CrmRecord[]; nextCursor: string | null } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    if (!name) return;
    let live = true;
    get<{ items: CrmRecord[]; nextCursor: string | null }>(`/api/records/${name}${query({ limit: pageSize, cursor, sort: '-createdAt' })}`)
      .then((result) => { if (live) { setPage(result); setError(null); } })
      .catch((e) => { if (live) setError(asApiError(e)); });
    return () => { live = false; };
  }, [name, cursor]);

  if (!config) return <p className="muted">Loading configuration…</p>;
  const columns = (definition?.indexes ?? []).filter((f) => f !== definition?.titleField).slice(0, 4);

  return (
    <section data-testid="records-page">
      <div className="row-between">
        <h2>Records</h2>
        <label>Entity{' '}
          <select data-testid="entity-picker" value={name ?? ''} onChange={(e) => navigate(`/records/${e.target.value}`)}>
            {names.map((n) => <option key={n} value={n}>{entityLabel(n, config.entities[n])}</option>)}
          </select>
        </label>
        {name && <Link to={`/records/${name}/new`} className="button" data-testid="new-record">New {entityLabel(name, definition).toLowerCase()}</Link>}
      </div>
      <ErrorBox error={error} testId="records-error" />
      {page && (
        <table className="records" data-testid="records-table">
          <thead><tr><th>{definition?.titleField ?? 'id'}</th>{columns.map((c) => <th key={c}>{c}</th>)}<th>Updated</th><th>By</th></tr></thead>
          <tbody>
            {page.items.map((r) => (
              <tr key={r.id} className="clickable" data-testid="record-row" data-record-id={r.id} onClick={() => navigate(`/records/${name}/${r.id}`)}>
                <td><Link to={`/records/${name}/${r.id}`} onClick={(e) => e.stopPropagation()}>{recordTitle(r.data, definition, r.id)}</Link></td>
                {columns.map((c) => <td key={c}>{r.data[c] === undefined ? '' : short(r.data[c])}</td>)}
                <td>{dateTime(r.updatedAt)}</td><td>{r.updatedBy ?? r.createdBy ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page && page.items.length === 0 && <p className="muted">No records yet.</p>}
      <div className="pager">
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))} data-testid="prev-page">Previous</button>
        <span className="muted">page {cursors.length}</span>
        <button type="button" disabled={!page?.nextCursor} onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])} data-testid="next-page">Next</button>
      </div>
    </section>
  );
}
