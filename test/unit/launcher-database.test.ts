import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { planDatabase } from '../../scripts/lib/launcher-config.js';
import { getFreePort } from '../../scripts/lib/ports.js';

const saved = { port: process.env.FLOWCRM_PG_PORT, max: process.env.FLOWCRM_PG_MAX_CONNECTIONS };
afterEach(() => {
  for (const [key, value] of [['FLOWCRM_PG_PORT', saved.port], ['FLOWCRM_PG_MAX_CONNECTIONS', saved.max]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe('planDatabase (the embedded PostgreSQL of npm start)', () => {
  it.each([
    [undefined, 50],
    ['20', 20],
    ['200', 200],
  ])('FLOWCRM_PG_MAX_CONNECTIONS=%s gives max_connections %d', async (raw, expected) => {
    if (raw === undefined) delete process.env.FLOWCRM_PG_MAX_CONNECTIONS;
    else process.env.FLOWCRM_PG_MAX_CONNECTIONS = raw;
    const plan = await planDatabase('/srv/flowcrm');
    expect(plan.maxConnections).toBe(expected);
    expect(plan.dir).toBe('/srv/flowcrm/postgres');
  });

  it.each(['19', '0', '-5', '25.5', 'many'])('refuses FLOWCRM_PG_MAX_CONNECTIONS=%s', async (raw) => {
    process.env.FLOWCRM_PG_MAX_CONNECTIONS = raw;
    await expect(planDatabase('/srv/flowcrm')).rejects.toThrow(`FLOWCRM_PG_MAX_CONNECTIONS=${raw}: needs an integer >= 20`);
  });

  it('uses FLOWCRM_PG_PORT when free and refuses it when taken', async () => {
    const free = await getFreePort();
    process.env.FLOWCRM_PG_PORT = String(free);
    expect((await planDatabase('/d')).port).toBe(free);

    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(free, '127.0.0.1', resolve));
    try {
      await expect(planDatabase('/d')).rejects.toThrow(`FLOWCRM_PG_PORT=${free}: port already in use`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('takes 5432 when free, else a free port and says so', async () => {
    delete process.env.FLOWCRM_PG_PORT;
    const plan = await planDatabase('/d');
    if (plan.port === 5432) expect(plan.notes).toEqual([]);
    else expect(plan.notes).toEqual([`port 5432 is taken, so the embedded PostgreSQL uses port ${plan.port} instead`]);
  });
});
