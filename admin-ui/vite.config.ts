import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The admin UI is served by the API under /admin/; `vite build --config admin-ui/vite.config.ts` writes admin-ui/dist. */
export default defineConfig({
  root,
  base: '/admin/',
  publicDir: false, // no static folder: everything the UI needs is imported by its code
  plugins: [react()],
  // The manifest lets test/e2e/ui-bundle.test.ts sum the JS the inbox route loads (budget: 300 KB gzipped).
  build: { outDir: 'dist', emptyOutDir: true, manifest: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
