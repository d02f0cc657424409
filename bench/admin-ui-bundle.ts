/**
 * The admin UI's initial JavaScript per route (entry + route chunk + their static imports, gzipped at level 9), from
 * the Vite manifest of a fresh production build: the figures of docs/performance.md, "Admin UI bundle". The inbox's
 * budget (300 KB) is enforced by test/e2e/ui-bundle.test.ts. Baseline, built in the same run with the same Vite and
 * React: a bare React page (`createRoot().render(<p/>)`); the ratio is what antd, RJSF, i18next and the app add.
 *   npx tsx bench/admin-ui-bundle.ts
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import react from '@vitejs/plugin-react';
import { routeJs } from '../test/support/ui-bundle.js';

process.env.NODE_ENV = 'production';
const bare = join('data', 'bench-bare-react');
rmSync(bare, { recursive: true, force: true });
mkdirSync(bare, { recursive: true });
writeFileSync(join(bare, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="./main.jsx"></script>');
writeFileSync(join(bare, 'main.jsx'), "import { createRoot } from 'react-dom/client';\ncreateRoot(document.getElementById('root')).render(<p>bare</p>);\n");

const started = Date.now();
await build({ configFile: 'admin-ui/vite.config.ts', logLevel: 'warn', mode: 'production' });
const uiMs = Date.now() - started;
await build({ configFile: false, root: bare, logLevel: 'warn', mode: 'production', plugins: [react()], build: { outDir: 'dist', manifest: true } });

const baseline = routeJs(join(bare, 'dist'), 'index.html');
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
console.log(`admin UI build: ${uiMs} ms; bare React page: ${baseline.files.length} files, ${kb(baseline.bytes)} raw, ${kb(baseline.gzipBytes)} gzipped`);
console.log('| route | files | raw | gzipped | x bare React |');
console.log('|---|---|---|---|---|');
for (const page of ['InboxPage', 'RecordsPage', 'ConfigPage', 'DelegationsPage', 'TaskPage', 'RecordPage', 'KanbanPage', 'DashboardPage']) {
  const js = routeJs('admin-ui/dist', `src/pages/${page}.tsx`);
  console.log(`| ${page} | ${js.files.length} | ${kb(js.bytes)} | ${kb(js.gzipBytes)} | ${(js.gzipBytes / baseline.gzipBytes).toFixed(1)} |`);
}
// the admin editors; the config editor's diagram (React Flow) loads after it, for chains, processes and pipelines
for (const page of ['admin/ConfigEditorPage', 'admin/SimulatePage', 'admin/FlowDiagram']) {
  const js = routeJs('admin-ui/dist', `src/pages/${page}.tsx`);
  console.log(`| ${page} | ${js.files.length} | ${kb(js.bytes)} | ${kb(js.gzipBytes)} | ${(js.gzipBytes / baseline.gzipBytes).toFixed(1)} |`);
}
rmSync(bare, { recursive: true, force: true });
