import { useCallback, useEffect, useState } from 'react';
import { asApiError, get, post, type ApiError } from '../api';
import { useSession } from '../config-context';
import { ErrorBox } from '../components/ErrorBox';
import { History } from '../components/History';
import { dateTime, entityLabel, recordTitle } from '../format';
import { Link, navigate } from '../router';
import type { CrmRecord, HistoryEntry } from '../types';
import { RecordForm } from './RecordForm';

/** One record: the edit form, "submit for approval" when a process runs on its entity, and its history. */
export function RecordPage({ entity: name, id }: { entity: string; id?: string }) {
  const { config } = useSession();
  const [record, setRecord] = useState<CrmRecord | null>(null);
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState('');
  const [formKey, setFormKey] = useState(0);

  const load = useCallback(async () => {
    if (!id) return;
    try {
      const [r, h] = await Promise.all([get<CrmRecord>(`/api/records/${name}/${id}`), get<{ items: HistoryEntry[] }>(`/api/records/${name}/${id}/history`)]);
      setRecord(r);
      setHistory(h.items);
      setFormKey((k) => k + 1);
    } catch (e) {
      setError(asApiError(e));
    }
  }, [name, id]);

  useEffect(() => { void load(); }, [load]);

  const entity = config?.entities[name];
  if (!config) return <p className="muted">Loading configuration…</p>;
  if (!entity) return <ErrorBox error={asApiError(new Error(`entity ${name} is not configured`))} />;
  const processes = Object.entries(config.processes ?? {}).filter(([, p]) => p.entity === name);

  async function submitForApproval(process: string) {
    if (!record) return;
    setError(null);
    try {
      await post('/api/processes', { process, entity: name, recordId: record.id });
      setNotice(`Submitted to ${process}.`);
      window.setTimeout(() => void load(), 500);
    } catch (e) {
      setError(asApiError(e));
    }
  }

  if (!id) {
    return (
      <section data-testid="record-page">
        <p><Link to={`/records/${name}`}>← {entityLabel(name, entity)} list</Link></p>
        <h2>New {entityLabel(name, entity).toLowerCase()}</h2>
        <RecordForm name={name} entity={entity} onSaved={(r) => navigate(`/records/${name}/${r.id}`)} />
      </section>
    );
  }

  return (
    <section data-testid="record-page" data-record-id={id}>
      <p><Link to={`/records/${name}`}>← {entityLabel(name, entity)} list</Link></p>
      <div className="row-between">
        <h2>{record ? recordTitle(record.data, entity, record.id) : 'Loading…'}</h2>
        {record && typeof record.data.status === 'string' && <span className={`tag ${record.data.status}`} data-testid="record-status">{record.data.status}</span>}
      </div>
      {record && <p className="muted small">version {record.version} · updated {dateTime(record.updatedAt)} by {record.updatedBy ?? record.createdBy}</p>}
      <ErrorBox error={error} testId="record-page-error" />
      {notice && <p className="notice" data-testid="notice">{notice}</p>}
      {record && processes.length > 0 && (
        <div className="process-actions">
          {processes.map(([process, p]) => (
            <button key={process} type="button" data-testid="submit-for-approval" data-process={process} onClick={() => void submitForApproval(process)}>
              Submit for approval{processes.length > 1 ? `: ${p.label?.en ?? process}` : ''}
            </button>
          ))}
        </div>
      )}
      {record && (
        <div className="columns">
          <div className="card"><h3>Edit</h3>
            <RecordForm key={formKey} name={name} entity={entity} record={record} onSaved={() => { setNotice('Saved.'); void load(); }} />
          </div>
          <div className="card"><h3>History</h3><History items={history} /></div>
        </div>
      )}
    </section>
  );
}
