import { useState } from 'react';
import { Select } from 'antd';
import { ariaDescribedByIds, type WidgetProps } from '@rjsf/utils';
import { useTranslation } from 'react-i18next';
import { formContextOf, lockState } from '../form-context';

/**
 * `x-type: user`: a username. The API has no user directory to search yet, so the picker offers the signed-in user,
 * their manager and the current value, and takes a typed name as is (the API checks it on save).
 */
export function UserWidget(props: WidgetProps) {
  const { id, value, readonly, onChange, onBlur, onFocus } = props;
  const { t } = useTranslation();
  const { user } = formContextOf(props.registry);
  const [typed, setTyped] = useState('');
  const options: { value: string; label: string }[] = [];
  const add = (v: string | null | undefined, label: string) => { if (v && !options.some((o) => o.value === v)) options.push({ value: v, label }); };
  if (user) add(user.username, t('widget.me', { name: user.username }));
  if (user?.manager) add(user.manager, t('widget.manager', { name: user.manager }));
  if (typeof value === 'string') add(value, value);
  if (typed.trim()) add(typed.trim(), t('widget.useTyped', { value: typed.trim() }));
  return (
    <Select
      id={id} value={value ?? undefined} allowClear={!readonly} disabled={lockState(props).disabled} open={readonly ? false : undefined} options={options} style={{ width: '100%' }}
      placeholder={t('widget.searchUser')} showSearch={{ onSearch: setTyped, optionFilterProp: 'value' }}
      onChange={(next) => { setTyped(''); onChange(next ?? undefined); }} onBlur={() => onBlur(id, value)} onFocus={() => onFocus(id, value)}
      aria-describedby={ariaDescribedByIds(id)} data-testid={`user-${id}`}
    />
  );
}
