import type { HistoryEntry } from '../types';
import { dateTime, short } from '../format';

function changeText(changes: Record<string, unknown>): string {
  return Object.entries(changes ?? {}).map(([field, change]) => {
    const c = change as { before?: unknown; after?: unknown } | null;
    return c && typeof c === 'object' && ('before' in c || 'after' in c) ? `${field}: ${short(c.before)} → ${short(c.after)}` : `${field}: ${short(change)}`;
  }).join('; ');
}

/** The audit trail of a record, oldest first. */
export function History({ items }: { items: HistoryEntry[] }) {
  if (items.length === 0) return <p className="muted">No history yet.</p>;
  return (
    <table className="history" data-testid="history">
      <thead><tr><th>When</th><th>Who</th><th>Action</th><th>Comment</th><th>Changes</th></tr></thead>
      <tbody>
        {items.map((h, i) => (
          <tr key={i} data-testid="history-entry" data-action={h.action} data-actor={h.actor}>
            <td>{dateTime(h.at)}</td><td>{h.actor}</td><td>{h.action}</td><td>{h.comment ?? ''}</td>
            <td className="changes">{changeText(h.changes)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
