import { useEffect, useState } from 'react';
import { Select } from 'antd';
import { ariaDescribedByIds, type WidgetProps } from '@rjsf/utils';
import { useTranslation } from 'react-i18next';
import { formContextOf, lockState } from '../form-context';
import { api } from '../../api';

type DirectoryUser = { username: string; displayName: string };

/** The user directory (`GET /api/users`: active users), read once per page load and shared by every picker. */
let directory: Promise<DirectoryUser[]> | null = null;
function loadDirectory(): Promise<DirectoryUser[]> {
  directory ??= api<{ items: DirectoryUser[] }>('GET', '/api/users').then((r) => r.items, () => { directory = null; return []; });
  return directory;
}

/**
 * `x-type: user`: a username, searched in the user directory (display name and username). The signed-in user and their
 * manager come first; a typed name that is not listed is taken as is (the API checks it on save).
 */
export function UserWidget(props: WidgetProps) {
  const { id, value, readonly, onChange, onBlur, onFocus } = props;
  const { t } = useTranslation();
  const { user } = formContextOf(props.registry);
  const [typed, setTyped] = useState('');
  const [users, setUsers] = useState<DirectoryUser[]>([]);
  useEffect(() => {
    let live = true;
    void loadDirectory().then((list) => { if (live) setUsers(list); });
    return () => { live = false; };
  }, []);
  const options: { value: string; label: string }[] = [];
  const add = (v: string | null | undefined, label: string) => { if (v && !options.some((o) => o.value === v)) options.push({ value: v, label }); };
  if (user) add(user.username, t('widget.me', { name: user.username }));
  if (user?.manager) add(user.manager, t('widget.manager', { name: user.manager }));
  for (const u of users) add(u.username, u.displayName && u.displayName !== u.username ? `${u.displayName} (${u.username})` : u.username);
  if (typeof value === 'string') add(value, value);
  if (typed.trim()) add(typed.trim(), t('widget.useTyped', { value: typed.trim() }));
  return (
    <Select
      id={id} value={value ?? undefined} allowClear={!readonly} disabled={lockState(props).disabled} open={readonly ? false : undefined} options={options} style={{ width: '100%' }}
      placeholder={t('widget.searchUser')} showSearch={{ onSearch: setTyped, optionFilterProp: 'label' }}
      onChange={(next) => { setTyped(''); onChange(next ?? undefined); }} onBlur={() => onBlur(id, value)} onFocus={() => onFocus(id, value)}
      aria-describedby={ariaDescribedByIds(id)} data-testid={`user-${id}`}
    />
  );
}
