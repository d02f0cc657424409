import fp from 'fastify-plugin';
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { fromRoot } from '../../paths.js';

const builtDir = fromRoot('admin-ui', 'dist');

/** The Vite build (`npm run build:ui`, which `npm start` and `npm test` run first), or null when it was not built. */
export function adminUiRoot(configured?: string): string | null {
  const dir = configured ?? builtDir;
  return existsSync(`${dir}/index.html`) ? dir : null;
}

/**
 * Serves the admin UI under /admin/. The UI routes by pathname, so an /admin/* path that names no file (no extension
 * in its last segment) gets index.html; a missing asset (`/admin/assets/x.js`) stays a 404.
 */
export default fp(async function adminUi(app: FastifyInstance) {
  const root = adminUiRoot(app.deps.adminUiDir);
  if (!root) {
    app.log.warn('admin UI not built: run npm run build:ui');
    return;
  }
  await app.register(fastifyStatic, { root, serve: false });
  const page = { schema: { hide: true } };
  app.get('/admin', page, async (_request, reply) => reply.redirect('/admin/'));
  app.get('/', page, async (_request, reply) => reply.redirect('/admin/'));
  app.get<{ Params: { '*': string } }>('/admin/*', page, async (request, reply) => {
    const path = request.params['*'];
    const last = path.split('/').pop() ?? '';
    if (last.includes('.')) {
      // Hashed build assets never change under their name; index.html must always be revalidated.
      const immutable = path.startsWith('assets/');
      return reply.sendFile(path, { maxAge: immutable ? '365d' : 0, immutable });
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  });
}, { name: 'admin-ui', dependencies: ['auth'] });
