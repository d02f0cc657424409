import fp from 'fastify-plugin';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const defaultDir = fileURLToPath(new URL('../../../admin-ui/public', import.meta.url));

/** Serves the admin UI under /admin/. */
export default fp(async function adminUi(app: FastifyInstance) {
  const root = app.deps.adminUiDir ?? defaultDir;
  if (!existsSync(root)) return;
  await app.register(fastifyStatic, { root, prefix: '/admin/', index: ['index.html'] });
  app.get('/admin', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/admin/'));
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/admin/'));
}, { name: 'admin-ui', dependencies: ['auth'] });
