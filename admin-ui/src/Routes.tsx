import { match } from './router';
import { InboxPage } from './pages/InboxPage';
import { TaskPage } from './pages/TaskPage';
import { RecordsPage } from './pages/RecordsPage';
import { RecordPage } from './pages/RecordPage';
import { ConfigPage } from './pages/ConfigPage';

/** Path -> page. Unknown paths land on the inbox. */
export function Routes({ path }: { path: string }) {
  let params = match('/tasks/:id', path);
  if (params) return <TaskPage key={params.id} id={params.id} />;
  params = match('/records/:entity/new', path);
  if (params) return <RecordPage key={`${params.entity}/new`} entity={params.entity} />;
  params = match('/records/:entity/:id', path);
  if (params) return <RecordPage key={`${params.entity}/${params.id}`} entity={params.entity} id={params.id} />;
  params = match('/records/:entity', path);
  if (params) return <RecordsPage key={params.entity} entity={params.entity} />;
  if (match('/records', path)) return <RecordsPage />;
  if (match('/config', path)) return <ConfigPage />;
  return <InboxPage path={path} />;
}
