import { Select } from 'antd';
import { ariaDescribedByIds, type WidgetProps } from '@rjsf/utils';
import { localize } from '../../i18n';
import { formContextOf, lockState } from '../form-context';

/** The picklist's values with labels in the locale; a stored value no longer in the picklist still shows. */
function picklistOptions(props: WidgetProps, values: unknown[]) {
  const { config, locale } = formContextOf(props.registry);
  const name = (props.schema['x-picklist'] ?? (props.schema.items as Record<string, unknown> | undefined)?.['x-picklist']) as string | undefined;
  const picklist = name ? config?.picklists?.[name] : undefined;
  const options = (picklist?.values ?? []).map((v) => ({ value: v.value, label: localize(v.label, locale, v.value) }));
  for (const value of values) if (typeof value === 'string' && !options.some((o) => o.value === value)) options.push({ value, label: value });
  return options;
}

/** `x-type: picklist`: a single choice from the bundle's picklist. */
export function PicklistWidget(props: WidgetProps) {
  const { id, value, readonly, onChange, onBlur, onFocus, placeholder } = props;
  return (
    <Select
      id={id} value={value ?? undefined} allowClear={!readonly} showSearch={{ optionFilterProp: 'label' }} placeholder={placeholder}
      disabled={lockState(props).disabled} open={readonly ? false : undefined} options={picklistOptions(props, [value])} style={{ width: '100%' }}
      onChange={(next) => onChange(next ?? undefined)} onBlur={() => onBlur(id, value)} onFocus={() => onFocus(id, value)}
      aria-describedby={ariaDescribedByIds(id)} data-testid={`picklist-${id}`}
    />
  );
}

/** `x-type: multiselect`: several choices from the bundle's picklist. */
export function MultiselectWidget(props: WidgetProps) {
  const { id, value, readonly, onChange, onBlur, onFocus, placeholder } = props;
  const values = Array.isArray(value) ? value : [];
  return (
    <Select
      id={id} mode="multiple" value={values} allowClear={!readonly} showSearch={{ optionFilterProp: 'label' }} placeholder={placeholder}
      disabled={lockState(props).disabled} open={readonly ? false : undefined} options={picklistOptions(props, values)} style={{ width: '100%' }}
      onChange={(next: string[]) => onChange(next.length ? next : undefined)} onBlur={() => onBlur(id, value)} onFocus={() => onFocus(id, value)}
      aria-describedby={ariaDescribedByIds(id)} data-testid={`multiselect-${id}`}
    />
  );
}
