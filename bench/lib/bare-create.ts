import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type pg from 'pg';

/** Quote create bodies, sent in turn by the load. */
export const quoteBodies = Array.from({ length: 100 }, (_, i) => JSON.stringify({
  customerName: `Customer ${i}`, lines: [{ product: 'Pump P-200', quantity: 1 + (i % 3), unitPrice: 100 }], discountPercent: i % 30,
}));

/**
 * The floor under a record create: a bare Fastify server that parses the JSON body, computes the total, inserts the
 * row into `bare_records` (a copy of the records table, same columns and indexes) and answers 201 with it.
 */
export async function startBareCreateServer(pool: pg.Pool): Promise<{ app: FastifyInstance; url: string }> {
  await pool.query('create table if not exists bare_records (like records including defaults including indexes)');
  const configVersion = (await pool.query('select max(version)::int as v from config_versions')).rows[0].v as number;
  const app = Fastify();
  let number = 0;
  app.post('/bare/quote', async (request, reply) => {
    const body = request.body as { lines: { quantity: number; unitPrice: number }[]; discountPercent?: number };
    const total = body.lines.reduce((t, l) => t + l.quantity * l.unitPrice, 0) * (1 - (body.discountPercent ?? 0) / 100);
    const data = { ...body, status: 'draft', total, number: `Q-${String(++number).padStart(6, '0')}` };
    const { rows } = await pool.query(`insert into bare_records (id, entity, data, version, config_version, created_by, updated_by)
      values ($1, 'quote', $2, 1, $3, 'sales1', 'sales1') returning *`, [randomUUID(), data, configVersion]);
    return reply.status(201).send(rows[0]);
  });
  return { app, url: await app.listen({ host: '127.0.0.1', port: 0 }) };
}
