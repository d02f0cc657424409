import { useEffect, useState, type HTMLAttributes } from 'react';
import { Button, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType, SorterResult, SortOrder } from 'antd/es/table/interface';
import { LeftOutlined, PlusOutlined, RightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { asApiError, get, query, type ApiError } from '../api';
import { useSession } from '../config-context';
import { ErrorBox } from '../components/ErrorBox';
import { FilterBuilder } from '../components/FilterBuilder';
import { cellValue } from '../cell-value';
import { fieldLabel } from '../form/field-ui';
import { useLocale } from '../i18n';
import { dateTime, entityLabel, recordTitle } from '../format';
import { Link, navigate, searchParam } from '../router';
import type { CrmRecord, RecordPage } from '../types';

const pageSize = 20;
const sortableTypes = new Set(['string', 'number', 'integer', 'boolean']);

/** Pick an entity, filter (CEL built from field, operator, value), sort by a column (server-side), page through its records (cursor paging), open or create one. */
export default function RecordsPage({ entity, path }: { entity?: string; path: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { config } = useSession();
  const names = Object.keys(config?.entities ?? {});
  const name = entity ?? names[0];
  const definition = name ? config?.entities[name] : undefined;
  const sort = searchParam(path, 'sort') ?? '-createdAt';
  const filter = searchParam(path, 'filter') ?? undefined;
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<RecordPage | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    if (!name) return;
    let live = true;
    get<RecordPage>(`/api/records/${name}${query({ limit: pageSize, cursor, sort, filter })}`)
      .then((result) => { if (live) { setPage(result); setError(null); } })
      .catch((e) => { if (live) setError(asApiError(e)); });
    return () => { live = false; };
  }, [name, cursor, sort, filter]);

  if (!config) return null;
  const properties = ((definition?.schema as { properties?: Record<string, Record<string, unknown>> } | undefined)?.properties) ?? {};
  const fields = [definition?.titleField, ...(definition?.indexes ?? []).filter((f) => f !== definition?.titleField)].filter((f): f is string => !!f && f in properties).slice(0, 5);
  const order = (key: string): SortOrder => (sort === key ? 'ascend' : sort === `-${key}` ? 'descend' : null);
  const columns: ColumnsType<CrmRecord> = [
    ...fields.map((field, i) => ({
      key: field, dataIndex: ['data', field], title: fieldLabel(properties[field], field, locale),
      sorter: sortableTypes.has(String(properties[field]?.type)), sortOrder: order(field), showSorterTooltip: false,
      render: (_: unknown, r: CrmRecord) => (i === 0
        ? <Link to={`/records/${name}/${r.id}`} onClick={(e) => e.stopPropagation()}>{recordTitle(r.data, definition, r.id)}</Link>
        : cellValue(properties[field], r.data[field], config, locale)),
    })),
    { key: 'updatedAt', title: t('records.updated'), sorter: true, sortOrder: order('updatedAt'), showSorterTooltip: false, responsive: ['md'], render: (_: unknown, r: CrmRecord) => dateTime(r.updatedAt) },
    { key: 'by', title: t('records.by'), responsive: ['lg'], render: (_: unknown, r: CrmRecord) => r.updatedBy ?? r.createdBy ?? '' },
  ];

  function onSort(sorter: SorterResult<CrmRecord> | SorterResult<CrmRecord>[]) {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    const key = s?.order ? `${s.order === 'descend' ? '-' : ''}${String(s.columnKey)}` : undefined;
    navigate(`/records/${name}${query({ sort: key, filter })}`);
  }

  return (
    <section data-testid="records-page">
      <div className="row-between">
        <Typography.Title level={2}>{t('records.title')}</Typography.Title>
        <Space wrap>
          <Select
            data-testid="entity-picker" aria-label={t('records.entity')} value={name} style={{ minWidth: 160 }}
            options={names.map((n) => ({ value: n, label: entityLabel(n, config.entities[n], locale) }))}
            onChange={(n) => navigate(`/records/${n}`)}
          />
          {name && (
            <Button type="primary" icon={<PlusOutlined />} data-testid="new-record" href={`/admin/records/${name}/new`}
              onClick={(e) => { e.preventDefault(); navigate(`/records/${name}/new`); }}>
              {t('records.new')} · {entityLabel(name, definition, locale)}
            </Button>
          )}
        </Space>
      </div>
      <FilterBuilder
        properties={properties} filter={filter}
        onChange={(next) => { setCursors([undefined]); setPage(null); navigate(`/records/${name}${query({ sort: searchParam(path, 'sort'), filter: next })}`); }}
      />
      <ErrorBox error={error} testId="records-error" />
      <Table<CrmRecord>
        rowKey="id" size="middle" className="records" data-testid="records-table" columns={columns} dataSource={page?.items ?? []}
        loading={!page && !error} pagination={false} locale={{ emptyText: t('records.empty') }}
        onChange={(_p, _f, sorter) => onSort(sorter)} rowClassName={() => 'clickable'}
        onRow={(r) => ({ onClick: () => navigate(`/records/${name}/${r.id}`), 'data-testid': 'record-row', 'data-record-id': r.id }) as HTMLAttributes<HTMLElement>}
      />
      <div className="pager">
        <Button icon={<LeftOutlined />} disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))} data-testid="prev-page">{t('records.previous')}</Button>
        <Typography.Text type="secondary" data-testid="page-number">{t('records.page', { page: cursors.length })}</Typography.Text>
        <Button disabled={!page?.nextCursor} onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])} data-testid="next-page">{t('records.next')} <RightOutlined /></Button>
      </div>
    </section>
  );
}
