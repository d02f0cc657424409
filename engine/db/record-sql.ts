import { CompiledQuery, type Kysely } from 'kysely';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Runs SQL with real bind parameters ($1, $2, ...) on the entity manager's connection, inside its transaction when
 * one is open. MikroORM's `execute` inlines parameters into the text; list filters must not, so they come here.
 */
export async function runSql<T = Record<string, unknown>>(em: EntityManager, sql: string, params: readonly unknown[] = [], outsideTransaction = false): Promise<T[]> {
  const client = ((outsideTransaction ? undefined : em.getTransactionContext<Kysely<unknown>>()) ?? em.getConnection().getClient()) as Kysely<unknown>;
  const result = await client.executeQuery<T>(CompiledQuery.raw(sql, [...params]));
  return [...result.rows];
}

/** PostgreSQL's SQLSTATE of a failed query, when there is one. */
export function sqlState(error: unknown): string | undefined {
  let current: unknown = error;
  for (let i = 0; i < 4 && current && typeof current === 'object'; i++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
