import { Input, InputNumber } from 'antd';
import { PhoneOutlined } from '@ant-design/icons';
import { ariaDescribedByIds, type WidgetProps } from '@rjsf/utils';
import { lockState } from '../form-context';

const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

/** `x-type: percent`: a number between the schema's bounds with a % suffix. */
export function PercentWidget(props: WidgetProps) {
  const { id, value, onChange, onBlur, onFocus, schema, placeholder } = props;
  return (
    <InputNumber
      id={id} value={typeof value === 'number' ? value : null} min={num(schema.minimum)} max={num(schema.maximum)} step={1}
      suffix="%" {...lockState(props)} placeholder={placeholder} style={{ width: '100%', maxWidth: 200 }}
      onChange={(next) => onChange(next ?? undefined)} onBlur={() => onBlur(id, value)} onFocus={() => onFocus(id, value)}
      aria-describedby={ariaDescribedByIds(id)}
    />
  );
}

/** `x-type: phone`: a tel input bounded by the schema's maxLength (the pattern is checked by the API). */
export function PhoneWidget(props: WidgetProps) {
  const { id, value, onChange, onBlur, onFocus, schema, placeholder } = props;
  return (
    <Input
      id={id} type="tel" inputMode="tel" autoComplete="tel" value={value ?? ''} maxLength={num(schema.maxLength)} prefix={<PhoneOutlined />}
      {...lockState(props)} placeholder={placeholder} style={{ maxWidth: 320 }}
      onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)} onBlur={() => onBlur(id, value)} onFocus={() => onFocus(id, value)}
      aria-describedby={ariaDescribedByIds(id)}
    />
  );
}
