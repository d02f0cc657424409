import { useState } from 'react';
import { Button, Input, Select, Space, Tag, Typography } from 'antd';
import { FilterOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { andFilter, celCondition, filterableFields, operatorsFor, type FilterOp } from '../cel-filter';
import { fieldLabel } from '../form/field-ui';
import { useLocale } from '../i18n';

type Properties = Record<string, Record<string, unknown>>;

/**
 * The record list's filter: field, operator, value -> a CEL condition added to the list's `filter` (all must hold).
 * The API is the one that checks the expression; its 422 shows in the list's error box.
 */
export function FilterBuilder({ properties, filter, onChange }: { properties: Properties; filter?: string; onChange: (filter: string | undefined) => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const fields = filterableFields(properties);
  const [field, setField] = useState<string | undefined>();
  const [op, setOp] = useState<FilterOp>('eq');
  const [value, setValue] = useState('');
  const [invalid, setInvalid] = useState(false);
  const ops = field ? operatorsFor(properties[field]) : [];
  const needsValue = op !== 'set' && op !== 'unset';

  function add() {
    if (!field) return;
    const condition = celCondition(field, op, value, properties[field]);
    setInvalid(condition === null);
    if (condition === null) return;
    onChange(andFilter(filter, condition));
    setValue('');
  }

  return (
    <div className="filter-builder" data-testid="filter-builder">
      <Space wrap>
        <FilterOutlined />
        <Select
          data-testid="filter-field" aria-label={t('filter.field')} placeholder={t('filter.field')} style={{ minWidth: 160 }} value={field} showSearch
          options={fields.map((f) => ({ value: f, label: fieldLabel(properties[f], f, locale) }))}
          onChange={(f: string) => { setField(f); setOp(operatorsFor(properties[f])[0] ?? 'eq'); setInvalid(false); }}
        />
        <Select<FilterOp>
          data-testid="filter-op" aria-label={t('filter.operator')} style={{ minWidth: 130 }} value={op} disabled={!field}
          options={ops.map((o) => ({ value: o, label: t(`filter.ops.${o}`) }))} onChange={(o) => { setOp(o); setInvalid(false); }}
        />
        {needsValue && (
          <Input
            data-testid="filter-value" aria-label={t('filter.value')} placeholder={t('filter.value')} style={{ width: 180 }} value={value}
            status={invalid ? 'error' : undefined} onChange={(e) => { setValue(e.target.value); setInvalid(false); }} onPressEnter={add}
          />
        )}
        <Button onClick={add} disabled={!field} data-testid="filter-add">{t('filter.add')}</Button>
        {invalid && <Typography.Text type="danger" data-testid="filter-invalid">{t('filter.invalid')}</Typography.Text>}
      </Space>
      {filter && (
        <div style={{ marginTop: 8 }}>
          <Tag closable onClose={() => onChange(undefined)} data-testid="filter-active" closeIcon={<span aria-label={t('filter.clear')}>×</span>}>
            <code>{filter}</code>
          </Tag>
        </div>
      )}
    </div>
  );
}
