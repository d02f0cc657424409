import { useEffect, useMemo, useState } from 'react';
import { Card, Empty, Segmented, Skeleton, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { asApiError, get, query, type ApiError } from '../api';
import { useSession } from '../config-context';
import { localize, useLocale } from '../i18n';
import { EChart, type ChartOption } from '../components/EChart';
import { ErrorBox } from '../components/ErrorBox';
import { allPipelines, type Pipeline } from '../pipeline/pipelines';
import { navigate, searchParam } from '../router';
import '../components/staff.css';

type Row = Record<string, unknown>;
type Translate = ReturnType<typeof useTranslation>['t'];
/** A process's label in the locale (the configuration's `label`), else its name. */
type ProcessLabel = (process: unknown) => string;

/** One report's rows: loading (null), the rows, or the API's error. */
function useReport(path: string | null): { rows: Row[] | null; error: ApiError | null } {
  const [state, setState] = useState<{ path: string | null; rows: Row[] | null; error: ApiError | null }>({ path: null, rows: null, error: null });
  useEffect(() => {
    if (!path) return;
    let live = true;
    get<{ rows: Row[] }>(path)
      .then((r) => { if (live) setState({ path, rows: r.rows, error: null }); })
      .catch((e: unknown) => { if (live) setState({ path, rows: null, error: asApiError(e) }); });
    return () => { live = false; };
  }, [path]);
  return state.path === path ? state : { rows: null, error: null };
}

const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const round = (v: unknown) => Math.round(num(v) * 10) / 10;
const bars = (categories: string[], series: { name: string; data: number[]; stack?: string }[]): ChartOption => ({
  tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 60, right: 16, top: 36, bottom: 40 },
  xAxis: { type: 'category', data: categories, axisLabel: { interval: 0, overflow: 'truncate', width: 90 } }, yAxis: { type: 'value' },
  series: series.map((s) => ({ type: 'bar', ...s })),
});

/** Each dashboard's chart from its report's rows (the report endpoints' shapes, docs/pipelines.md). */
const charts: Record<string, (rows: Row[], t: Translate, process: ProcessLabel) => ChartOption> = {
  funnel: (rows) => ({
    tooltip: { trigger: 'item', formatter: '{b}: {c}' },
    series: [{
      type: 'funnel', sort: 'none', left: '10%', width: '80%', top: 10, bottom: 10, minSize: '8%', label: { show: true, position: 'inside', formatter: '{b}: {c}' },
      data: rows.filter((r) => r.category !== 'lost').map((r) => ({ name: String(r.label), value: num(r.reached) })),
    }],
  }),
  forecast: (rows, t) => {
    const months = [...new Set(rows.map((r) => (r.month ? String(r.month) : t('dashboard.noMonth'))))];
    const sum = (key: string) => months.map((m) => rows.filter((r) => (r.month ? String(r.month) : t('dashboard.noMonth')) === m).reduce((s, r) => s + num(r[key]), 0));
    return bars(months, [{ name: t('dashboard.amount'), data: sum('amount') }, { name: t('dashboard.weighted'), data: sum('weightedAmount') }]);
  },
  sla: (rows, t, process) => bars(rows.map((r) => `${process(r.process)} · ${String(r.step)}`), [
    { name: t('dashboard.breached'), data: rows.map((r) => num(r.breached)), stack: 'tasks' },
    { name: t('dashboard.onTime'), data: rows.map((r) => num(r.total) - num(r.breached)), stack: 'tasks' },
  ]),
  cycle: (rows, t, process) => {
    // Hours, or minutes while every run took under an hour (a bar of 0.0 h says nothing).
    const minutes = rows.every((r) => num(r.maxHours) < 1);
    const value = (v: unknown) => round(minutes ? num(v) * 60 : v);
    return bars(rows.map((r) => process(r.process)), [
      { name: t(minutes ? 'dashboard.averageMinutes' : 'dashboard.averageHours'), data: rows.map((r) => value(r.averageHours)) },
      { name: t(minutes ? 'dashboard.p90Minutes' : 'dashboard.p90Hours'), data: rows.map((r) => value(r.p90Hours)) },
    ]);
  },
  ageing: (rows, t) => bars(rows.map((r) => (r.bucket === 'current' ? t('dashboard.current') : t('dashboard.days', { range: String(r.bucket) }))), [
    { name: t('dashboard.outstanding'), data: rows.map((r) => num(r.outstanding)) },
  ]),
};

/** A report's rows count as data when some number in them is not zero (the ageing always lists its five buckets). */
const hasData = (rows: Row[]) => rows.some((r) => Object.entries(r).some(([k, v]) => typeof v === 'number' && v !== 0 && k !== 'probability'));

function ReportCard({ id, title, path }: { id: string; title: string; path: string | null }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { config } = useSession();
  const { rows, error } = useReport(path);
  const option = useMemo(() => {
    const process: ProcessLabel = (p) => localize(config?.processes?.[String(p)]?.label, locale, String(p));
    return rows ? charts[id](rows, t, process) : null;
  }, [rows, id, t, config, locale]);
  const state = error ? 'error' : !rows ? 'loading' : hasData(rows) ? 'ready' : 'empty';
  return (
    <Card title={title} data-testid={`dashboard-${id}`} data-state={state} data-rows={rows?.length ?? ''}>
      {state === 'loading' && <Skeleton active />}
      <ErrorBox error={error} testId={`dashboard-${id}-error`} />
      {state === 'empty' && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.empty')} />}
      {state === 'ready' && option && <EChart option={option} label={title} testId={`chart-${id}`} />}
    </Card>
  );
}

/** Dashboards fed by the report endpoints: funnel and forecast per pipeline, SLA breaches, approval cycle, ageing. */
export default function DashboardPage({ path }: { path: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { config } = useSession();
  const pipelines = allPipelines((config as { pipelines?: Record<string, Pipeline> } | null)?.pipelines);
  const pipeline = searchParam(path, 'pipeline') ?? pipelines[0]?.[0];
  const withPipeline = (report: string) => (pipeline ? `/api/reports/${report}${query({ pipeline, locale })}` : null);

  return (
    <section data-testid="dashboard-page">
      <div className="row-between">
        <Typography.Title level={2}>{t('dashboard.title')}</Typography.Title>
        {pipelines.length > 1 && (
          <Segmented value={pipeline} onChange={(v) => navigate(`/dashboards?pipeline=${v}`)} aria-label={t('dashboard.pipeline')} data-testid="dashboard-pipeline"
            options={pipelines.map(([n, p]) => ({ value: n, label: localize(p.label, locale, n) }))} />
        )}
      </div>
      <div className="charts">
        <ReportCard id="funnel" title={t('dashboard.funnel')} path={withPipeline('funnel')} />
        <ReportCard id="forecast" title={t('dashboard.forecast')} path={withPipeline('forecast')} />
        <ReportCard id="sla" title={t('dashboard.sla')} path="/api/reports/sla-breaches" />
        <ReportCard id="cycle" title={t('dashboard.cycle')} path="/api/reports/approval-cycle-time" />
        <ReportCard id="ageing" title={t('dashboard.ageing')} path="/api/reports/receivables-ageing" />
      </div>
    </section>
  );
}
