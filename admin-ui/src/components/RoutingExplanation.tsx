import type { RoutingRule } from '../types';
import { short } from '../format';

/** "Why you": each routing rule that chose the approvers, what it looked at and whom it chose. */
export function RoutingExplanation({ rules }: { rules: RoutingRule[] }) {
  if (rules.length === 0) return <p className="muted" data-testid="routing">No routing rules: the task went to the requester.</p>;
  return (
    <ol className="routing" data-testid="routing">
      {rules.map((r, i) => (
        <li key={i} data-testid="routing-rule">
          <code className="rule">{r.rule}</code>
          <span className="inputs">
            {Object.entries(r.inputs).map(([k, v]) => <span key={k} className="input"><em>{k}</em> = {short(v)}</span>)}
          </span>
          <span className="result">→ {r.result.length ? r.result.join(', ') : 'nobody'}</span>
        </li>
      ))}
    </ol>
  );
}
