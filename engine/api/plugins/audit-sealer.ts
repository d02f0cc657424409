import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { startAuditSealer } from '../../db/audit-chain.js';

/** Seals the audit entries whose commit found the chain head taken (decision 0105), until the app closes. */
export default fp(async function auditSealer(app: FastifyInstance) {
  const sealer = startAuditSealer(() => app.deps.orm.em.fork());
  app.addHook('onClose', () => sealer.stop());
}, { name: 'audit-sealer' });
