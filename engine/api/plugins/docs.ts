import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import scalar from '@scalar/fastify-api-reference';
import type { FastifyInstance } from 'fastify';
import { withLinks } from '../openapi-links.js';

/** OpenAPI 3 generated from the route schemas (with the links of openapi-links.ts), and a reference page at /docs. */
export default fp(async function docs(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'flowcrm API', version: '1.0.0', description: 'Workflow-driven CRM engine: records, processes, approvals.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transformObject: (document) => ('openapiObject' in document ? withLinks(document.openapiObject as never) : document.swaggerObject),
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(scalar, { routePrefix: '/docs', configuration: { url: '/openapi.json' } });
}, { name: 'docs' });
