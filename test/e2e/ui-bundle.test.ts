import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeJs, staticClosure, type Manifest } from '../support/ui-bundle.js';
import { ensureAdminUiBuilt } from './ui-build.js';

const dist = 'admin-ui/dist';
const budgetGzipBytes = 300 * 1024;

describe('admin UI bundle', () => {
  it('loads the inbox with under 300 KB of gzipped JavaScript (entry + the inbox route\'s static imports)', async () => {
    await ensureAdminUiBuilt();
    const inbox = routeJs(dist, 'src/pages/InboxPage.tsx');
    console.log(`inbox route: ${inbox.files.length} files, ${(inbox.bytes / 1024).toFixed(1)} KB, ${(inbox.gzipBytes / 1024).toFixed(1)} KB gzipped`);
    expect(inbox.gzipBytes).toBeLessThan(budgetGzipBytes);
  });

  it('keeps RJSF, ajv and the x-type widgets out of the inbox route (they load with the record and task pages)', async () => {
    await ensureAdminUiBuilt();
    const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')) as Manifest;
    const inbox = staticClosure(manifest, 'src/pages/InboxPage.tsx', staticClosure(manifest, 'index.html'));
    const record = staticClosure(manifest, 'src/pages/RecordPage.tsx');
    const formOnly = [...record].filter((key) => !inbox.has(key));
    expect(formOnly.length).toBeGreaterThan(0);
    const formBytes = formOnly.reduce((sum, key) => sum + readFileSync(join(dist, manifest[key].file)).length, 0);
    expect(formBytes).toBeGreaterThan(100 * 1024); // RJSF + ajv + antd form controls are that big: they really were split off
    for (const page of ['TaskPage', 'RecordPage', 'RecordsPage', 'ConfigPage', 'DelegationsPage']) {
      expect(manifest['index.html'].dynamicImports ?? []).toContain(`src/pages/${page}.tsx`);
      expect(inbox.has(`src/pages/${page}.tsx`)).toBe(false);
    }
  });

  it('loads ECharts with the dashboards only, and the kanban and dashboards as their own chunks', async () => {
    await ensureAdminUiBuilt();
    const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')) as Manifest;
    // ECharts is bundled into the chunks that import it: find it by its code.
    const withECharts = (key: string) => [...staticClosure(manifest, key)].some((k) => readFileSync(join(dist, manifest[k].file), 'utf8').includes('_echarts_instance_'));
    for (const page of ['KanbanPage', 'DashboardPage']) expect(manifest['index.html'].dynamicImports ?? []).toContain(`src/pages/${page}.tsx`);
    expect(withECharts('src/pages/DashboardPage.tsx')).toBe(true);
    for (const page of ['InboxPage', 'KanbanPage', 'RecordPage', 'TaskPage']) expect(withECharts(`src/pages/${page}.tsx`)).toBe(false);
    expect(withECharts('index.html')).toBe(false);
  });

  it('loads CodeMirror and React Flow only with the admin editors: the editor page waits for the diagram chunk', async () => {
    await ensureAdminUiBuilt();
    const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')) as Manifest;
    const inbox = staticClosure(manifest, 'src/pages/InboxPage.tsx', staticClosure(manifest, 'index.html'));
    const editor = staticClosure(manifest, 'src/pages/admin/ConfigEditorPage.tsx');
    const text = (keys: Iterable<string>) => [...keys].map((key) => readFileSync(join(dist, manifest[key].file), 'utf8')).join('\n');
    expect(manifest['index.html'].dynamicImports ?? []).toEqual(expect.arrayContaining(['src/pages/admin/ConfigEditorPage.tsx', 'src/pages/admin/SimulatePage.tsx']));
    expect(manifest['src/pages/admin/ConfigEditorPage.tsx'].dynamicImports ?? []).toContain('src/pages/admin/FlowDiagram.tsx');
    expect(editor.has('src/pages/admin/FlowDiagram.tsx')).toBe(false);
    for (const key of ['src/pages/admin/ConfigEditorPage.tsx', 'src/pages/admin/SimulatePage.tsx', 'src/pages/admin/FlowDiagram.tsx']) expect(inbox.has(key)).toBe(false);
    // CodeMirror's and React Flow's class names: in the editor's chunks, in none of the inbox's
    expect(text(editor)).toContain('cm-content');
    expect(text(staticClosure(manifest, 'src/pages/admin/FlowDiagram.tsx'))).toContain('react-flow__');
    const inboxText = text(inbox);
    expect(inboxText).not.toContain('cm-content');
    expect(inboxText).not.toContain('react-flow__');
  });
});
