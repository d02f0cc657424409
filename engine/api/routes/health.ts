import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { errorSchema, StringEnum } from './schemas.js';

/** A dependency check that cannot hang a probe: `down` after `ms`. */
function within<T>(check: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  return Promise.race([check.catch(() => fallback), timeout]).finally(() => clearTimeout(timer));
}

const dependency = StringEnum(['ok', 'down']);
const healthSchema = Type.Object({ status: StringEnum(['ok', 'degraded']), db: dependency, temporal: dependency });
const readinessSchema = Type.Object({
  status: StringEnum(['ready', 'not_ready']), db: dependency, temporal: dependency, migrations: StringEnum(['ok', 'pending', 'down']),
});
/** 503: the probe's own answer (a dependency is down), or the error envelope while the API drains. */
const unavailable = <T extends typeof healthSchema | typeof readinessSchema>(probe: T) => Type.Union([probe, errorSchema]);

export default async function healthRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const dbCheck = () => within(app.deps.orm.em.fork().getConnection().execute('select 1 as ok').then(() => 'ok' as const), 2000, 'down' as const);
  const temporalCheck = () => within(app.deps.flow.healthy().then((ok) => (ok ? 'ok' as const : 'down' as const)), 2000, 'down' as const);

  app.get('/health', { schema: { tags: ['system'], security: [], response: { 200: healthSchema, 503: unavailable(healthSchema) } } }, async (_request, reply) => {
    const [db, temporal] = await Promise.all([dbCheck(), temporalCheck()]);
    const status = db === 'ok' && temporal === 'ok' ? 'ok' : 'degraded';
    return reply.status(status === 'ok' ? 200 : 503).send({ status, db, temporal });
  });

  // Migrations never go back once applied: after the first 'ok' there is nothing left to ask the database.
  let migrated = false;
  const migrationsCheck = async (): Promise<'ok' | 'pending' | 'down'> => {
    if (migrated) return 'ok';
    const result = await within(app.deps.orm.migrator.getPending().then((p) => (p.length ? 'pending' as const : 'ok' as const)), 2000, 'down' as const);
    migrated = result === 'ok';
    return result;
  };
  /**
   * Readiness for a load balancer: this replica should get traffic when the database and Temporal answer and the
   * schema is migrated; 503 otherwise, and while the API drains (engine/api/plugins/drain.ts), this route included.
   */
  app.get('/ready', { schema: { tags: ['system'], security: [], response: { 200: readinessSchema, 503: unavailable(readinessSchema) } } }, async (_request, reply) => {
    const [db, temporal] = await Promise.all([dbCheck(), temporalCheck()]);
    const migrations = db === 'ok' ? await migrationsCheck() : migrated ? 'ok' : 'down';
    const ready = db === 'ok' && temporal === 'ok' && migrations === 'ok';
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', db, temporal, migrations });
  });
}
