import { Empty, Tag, Timeline, Typography } from 'antd';
import { CheckCircleOutlined, CloseCircleOutlined, EditOutlined, PlusCircleOutlined, RollbackOutlined, SwapOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useLocale } from '../i18n';
import { useSession } from '../config-context';
import { cellValue } from '../cell-value';
import { fieldLabel } from '../form/field-ui';
import { dateTime, short } from '../format';
import type { EntityDefinition, HistoryEntry } from '../types';

const look: Record<string, { color: string; icon?: React.ReactNode }> = {
  create: { color: 'blue', icon: <PlusCircleOutlined /> },
  update: { color: 'gray', icon: <EditOutlined /> },
  approve: { color: 'green', icon: <CheckCircleOutlined /> },
  reject: { color: 'red', icon: <CloseCircleOutlined /> },
  request_changes: { color: 'orange', icon: <RollbackOutlined /> },
  recall: { color: 'orange', icon: <RollbackOutlined /> },
  withdraw: { color: 'orange', icon: <RollbackOutlined /> },
  reassign: { color: 'purple', icon: <SwapOutlined /> },
};

/** "Field: before → after" with labels and values as the list shows them (picklist and enum labels, money). */
function changeText(changes: Record<string, unknown>, label: (field: string) => string, value: (field: string, v: unknown) => string): string {
  return Object.entries(changes ?? {}).map(([field, change]) => {
    const c = change as { before?: unknown; after?: unknown } | null;
    if (!c || typeof c !== 'object' || !('before' in c || 'after' in c)) return `${label(field)}: ${short(change)}`;
    const after = value(field, c.after);
    return c.before === null || c.before === undefined ? `${label(field)}: ${after}` : `${label(field)}: ${value(field, c.before)} → ${after}`;
  }).join('; ');
}

/** The record's audit trail, oldest first: who did what when, approvals with their reasons, and what changed. */
export function RecordTimeline({ items, entity }: { items: HistoryEntry[]; entity?: EntityDefinition }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { config } = useSession();
  if (items.length === 0) return <Empty description={t('timeline.empty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  const properties = ((entity?.schema as { properties?: Record<string, unknown> } | undefined)?.properties) ?? {};
  const label = (field: string) => fieldLabel(properties[field], field, locale);
  const value = (field: string, v: unknown) => (v !== null && typeof v === 'object' && !properties[field] ? short(v) : cellValue(properties[field], v, config, locale) || short(v));
  return (
    <Timeline
      className="history" data-testid="history"
      items={items.map((h, i) => {
        const style = look[h.action] ?? { color: 'gray' };
        const step = typeof h.context?.step === 'string' ? h.context.step : null;
        const onBehalfOf = typeof h.context?.onBehalfOf === 'string' ? h.context.onBehalfOf : null;
        return {
          key: i, color: style.color, icon: style.icon,
          content: (
            <div data-testid="history-entry" data-action={h.action} data-actor={h.actor}>
              <div><strong>{h.actor}</strong> {t(`action.${h.action}`, { defaultValue: h.action })}{step && <Tag className="step-tag">{step}</Tag>}
                {onBehalfOf && <Typography.Text type="secondary"> ({t('timeline.onBehalfOf', { who: onBehalfOf })})</Typography.Text>}
              </div>
              {h.comment && <blockquote className="reason" data-testid="history-comment">{h.comment}</blockquote>}
              {Object.keys(h.changes ?? {}).length > 0 && <Typography.Text type="secondary" className="changes small">{changeText(h.changes, label, value)}</Typography.Text>}
              <div><Typography.Text type="secondary" className="small">{dateTime(h.at)}</Typography.Text></div>
            </div>
          ),
        };
      })}
    />
  );
}
