import { lazy, Suspense } from 'react';
import { Spin } from 'antd';
import { match, searchParam } from './router';

/* Each page is its own chunk: the inbox loads without RJSF, ajv or the date pickers (docs/performance.md). */
const InboxPage = lazy(() => import('./pages/InboxPage'));
const TaskPage = lazy(() => import('./pages/TaskPage'));
const RecordsPage = lazy(() => import('./pages/RecordsPage'));
const RecordPage = lazy(() => import('./pages/RecordPage'));
const ConfigPage = lazy(() => import('./pages/ConfigPage'));
const DelegationsPage = lazy(() => import('./pages/DelegationsPage'));
const KanbanPage = lazy(() => import('./pages/KanbanPage'));
const DashboardPage = lazy(() => import('./pages/DashboardPage'));
const ConfigEditorPage = lazy(() => import('./pages/admin/ConfigEditorPage'));
const SimulatePage = lazy(() => import('./pages/admin/SimulatePage'));

function page(path: string) {
  let params = match('/tasks/:id', path);
  if (params) return <TaskPage key={params.id} id={params.id} />;
  params = match('/records/:entity/new', path);
  if (params) return <RecordPage key={`${params.entity}/new`} entity={params.entity} />;
  params = match('/records/:entity/:id', path);
  if (params) return <RecordPage key={`${params.entity}/${params.id}`} entity={params.entity} id={params.id} />;
  params = match('/records/:entity', path);
  // Keyed by the sort too: a new sort starts again at the first page.
  if (params) return <RecordsPage key={`${params.entity}?${searchParam(path, 'sort') ?? ''}`} entity={params.entity} path={path} />;
  if (match('/records', path)) return <RecordsPage path={path} />;
  params = match('/config/edit/:kind/:name', path) ?? match('/config/edit/:kind', path) ?? match('/config/edit', path);
  if (params) return <ConfigEditorPage key={params.kind ?? ''} kind={params.kind} name={params.name} />;
  if (match('/config/simulate', path)) return <SimulatePage path={path} />;
  if (match('/config', path)) return <ConfigPage />;
  if (match('/delegations', path)) return <DelegationsPage />;
  params = match('/pipelines/:name', path);
  if (params) return <KanbanPage key={params.name} name={params.name} />;
  if (match('/pipelines', path)) return <KanbanPage />;
  if (match('/dashboards', path)) return <DashboardPage path={path} />;
  return <InboxPage path={path} />;
}

/** Path -> page (lazy). Unknown paths land on the inbox. */
export function Routes({ path }: { path: string }) {
  return <Suspense fallback={<div className="center"><Spin /></div>}>{page(path)}</Suspense>;
}
