import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { RoutingRule } from '../types';
import { short } from '../format';

/** A user task's routing entry: its step, visit and the candidates ranked (no rule inputs). */
type UserTaskRouting = { step: string; visit?: number; ranking: string[] };

/** "Why you": each routing rule that chose the approvers, what it looked at and whom it chose. */
export function RoutingExplanation({ rules: entries }: { rules: (RoutingRule | UserTaskRouting)[] }) {
  const rules = entries.map((r) => ('rule' in r ? r : { rule: r.step, inputs: {}, result: r.ranking ?? [] }));
  const { t } = useTranslation();
  if (rules.length === 0) return <Typography.Paragraph type="secondary" data-testid="routing">{t('task.noRouting')}</Typography.Paragraph>;
  return (
    <ol className="routing plain-list" data-testid="routing">
      {rules.map((r, i) => (
        <li key={i} data-testid="routing-rule">
          <code className="rule">{r.rule}</code>{' '}
          {Object.entries(r.inputs).map(([k, v]) => <span key={k} className="input"><em>{k}</em> = {short(v)} </span>)}
          <span className="result">→ {r.result.length ? r.result.join(', ') : t('task.nobody')}</span>
        </li>
      ))}
    </ol>
  );
}
