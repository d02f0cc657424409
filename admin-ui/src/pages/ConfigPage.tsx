import { useEffect, useState } from 'react';
import { asApiError, get, type ApiError } from '../api';
import { ErrorBox } from '../components/ErrorBox';
import { dateTime } from '../format';
import type { ConfigChange, ConfigVersion } from '../types';

/** Published configuration versions and the diff between two of them. */
export function ConfigPage() {
  const [versions, setVersions] = useState<ConfigVersion[]>([]);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [changes, setChanges] = useState<ConfigChange[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    get<{ items: ConfigVersion[] }>('/api/config/versions').then(({ items }) => {
      setVersions(items);
      if (items.length) {
        setTo(items[0].version);
        setFrom(items[Math.min(1, items.length - 1)].version);
      }
    }).catch((e) => setError(asApiError(e)));
  }, []);

  useEffect(() => {
    if (from === null || to === null) return;
    setChanges(null);
    get<{ changes: ConfigChange[] }>(`/api/config/versions/${from}/diff/${to}`)
      .then((d) => { setChanges(d.changes); setError(null); })
      .catch((e) => setError(asApiError(e)));
  }, [from, to]);

  const picker = (value: number | null, set: (v: number) => void, testId: string) => (
    <select value={value ?? ''} onChange={(e) => set(Number(e.target.value))} data-testid={testId}>
      {versions.map((v) => <option key={v.version} value={v.version}>v{v.version}</option>)}
    </select>
  );

  return (
    <section data-testid="config-page">
      <h2>Configuration</h2>
      <ErrorBox error={error} testId="config-error" />
      <div className="columns">
        <div className="card">
          <h3>Published versions</h3>
          <table data-testid="config-versions">
            <thead><tr><th>Version</th><th>Author</th><th>Published</th><th>Hash</th></tr></thead>
            <tbody>
              {versions.map((v) => (
                <tr key={v.version} data-testid="config-version" data-version={v.version}>
                  <td>v{v.version}</td><td>{v.author ?? ''}</td><td>{dateTime(v.createdAt)}</td><td><code>{v.hash.slice(0, 12)}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="card">
          <h3>Diff {picker(from, setFrom, 'diff-from')} → {picker(to, setTo, 'diff-to')}</h3>
          {changes && changes.length === 0 && <p className="muted" data-testid="diff-empty">No differences.</p>}
          {changes && changes.length > 0 && (
            <ul className="diff" data-testid="config-diff">
              {changes.map((c, i) => (
                <li key={i} className={`change ${c.change}`}>
                  <span className="tag">{c.change}</span> <strong>{c.kind}</strong> {c.name}
                  {c.paths.length > 0 && <ul>{c.paths.map((p) => <li key={p}><code>{p}</code></li>)}</ul>}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}
