import { useEffect, useRef, useState } from 'react';
import { Select, Spin } from 'antd';
import { ariaDescribedByIds, type WidgetProps } from '@rjsf/utils';
import { useTranslation } from 'react-i18next';
import { get, query } from '../../api';
import { localize } from '../../i18n';
import type { CrmRecord, RecordPage } from '../../types';
import { formContextOf, lockState } from '../form-context';
import { titleFilter } from '../field-ui';

interface Option { value: string; label: string }

/** `x-type: reference`: a searchable picker over `GET /api/records/<x-ref>?filter=...`, showing each record's title. */
export function ReferenceWidget(props: WidgetProps) {
  const { id, value, readonly, onChange, onBlur, onFocus, schema } = props;
  const { t } = useTranslation();
  const { config, locale } = formContextOf(props.registry);
  const target = String(schema['x-ref'] ?? '');
  const entity = config?.entities[target];
  const titleField = entity?.titleField ?? 'id';
  const [options, setOptions] = useState<Option[]>([]);
  const [loading, setLoading] = useState(false);
  const latest = useRef(0);
  const toOption = (r: CrmRecord): Option => ({ value: r.id, label: String(r.data[titleField] ?? r.id) });

  async function search(text: string) {
    const call = ++latest.current;
    setLoading(true);
    try {
      const page = await get<RecordPage>(`/api/records/${target}${query({ limit: 20, sort: titleField, filter: titleFilter(titleField, text) })}`);
      if (call === latest.current) setOptions(page.items.map(toOption));
    } catch {
      if (call === latest.current) setOptions([]);
    } finally {
      if (call === latest.current) setLoading(false);
    }
  }

  useEffect(() => {
    if (typeof value !== 'string' || !value || options.some((o) => o.value === value)) return;
    get<CrmRecord>(`/api/records/${target}/${value}`).then((r) => setOptions((os) => [toOption(r), ...os])).catch(() => undefined);
  }, [value, target]);

  return (
    <Select
      id={id} value={value ?? undefined} allowClear={!readonly} disabled={lockState(props).disabled} open={readonly ? false : undefined} options={options} style={{ width: '100%' }}
      placeholder={t('widget.searchRecord', { entity: localize(entity?.label, locale, target) })}
      showSearch={{ filterOption: false, onSearch: (text) => void search(text) }}
      notFoundContent={loading ? <Spin size="small" /> : undefined}
      onOpenChange={(open) => { if (open && options.length <= 1) void search(''); }}
      onChange={(next) => onChange(next ?? undefined)} onBlur={() => onBlur(id, value)} onFocus={() => onFocus(id, value)}
      aria-describedby={ariaDescribedByIds(id)} data-testid={`reference-${id}`}
    />
  );
}
