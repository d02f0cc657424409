import { InputNumber, Select, Space } from 'antd';
import type { FieldProps } from '@rjsf/utils';
import { useTranslation } from 'react-i18next';
import { lockState } from '../form-context';

interface Money { amount?: number; currency?: string }

/** Currencies offered first; the schema's own `enum` or `default` for currency wins when it has one. */
const commonCurrencies = ['CNY', 'USD', 'EUR', 'HKD', 'JPY', 'GBP', 'SGD'];

function currenciesOf(schema: FieldProps['schema']): { list: string[]; fallback: string } {
  const currency = (schema.properties?.currency ?? {}) as { enum?: unknown[]; default?: unknown };
  const list = Array.isArray(currency.enum) ? currency.enum.map(String) : commonCurrencies;
  return { list, fallback: typeof currency.default === 'string' ? currency.default : list[0] };
}

/** `x-type: money`: `{amount, currency}` as one control: a number and an ISO 4217 code. */
export function MoneyField(props: FieldProps<Money>) {
  const { t } = useTranslation();
  const { formData, schema, readonly, fieldPathId, onChange, uiSchema, required } = props;
  const { disabled } = lockState(props);
  const id = fieldPathId.$id;
  const value = formData ?? {};
  const { list, fallback } = currenciesOf(schema);
  const title = (uiSchema?.['ui:title'] as string | undefined) ?? schema.title ?? props.name;
  const change = (next: Money) => {
    const clean: Money = { ...next };
    if (clean.amount === undefined || clean.amount === null) delete clean.amount;
    onChange(clean.amount === undefined && !next.currency ? undefined : { currency: fallback, ...clean }, fieldPathId.path);
  };
  const errors = props.errorSchema?.__errors ?? [];
  return (
    <div className="money-field ant-form-item" data-testid={`money-${id}`}>
      <label htmlFor={`${id}_amount`} className={required ? 'money-label required' : 'money-label'}>{title}</label>
      <Space.Compact style={{ display: 'flex', maxWidth: 360 }}>
        <Select
          id={`${id}_currency`} aria-label={t('widget.currency')} value={value.currency ?? fallback} disabled={disabled} open={readonly ? false : undefined}
          options={[...new Set([...list, ...(value.currency ? [value.currency] : [])])].map((c) => ({ value: c, label: c }))}
          style={{ width: 100 }} onChange={(currency) => change({ ...value, currency })}
        />
        <InputNumber
          id={`${id}_amount`} aria-label={t('widget.amount')} value={value.amount ?? null} min={0} disabled={disabled} readOnly={readonly} style={{ flex: 1 }}
          onChange={(amount) => change({ ...value, amount: amount ?? undefined })}
        />
      </Space.Compact>
      {errors.length > 0 && <div className="ant-form-item-explain-error" id={`${id}__error`}>{errors.join('; ')}</div>}
    </div>
  );
}
