import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { publishVariant } from '../support/config.js';
import { verifyAuditChain } from '../../engine/db/audit-chain.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack?.stop();
});

type Entry = { entity: string; action: string; actor: string; record_id: string | null; changes: Record<string, unknown>; context: Record<string, unknown> };

async function entries(where: string): Promise<Entry[]> {
  return await stack.orm.em.fork().getConnection().execute(
    `select entity, action, actor, record_id, changes, context from audit_entries where ${where} order by seq`) as Entry[];
}

describe('audited security events', () => {
  it('audits successful and failed logins with the attempted name and the client address', async () => {
    const anonymous = stack.anonymous();
    expect((await anonymous.post('/api/auth/login', { username: 'finance', password: 'wrong' })).status).toBe(401);
    expect((await anonymous.post('/api/auth/login', { username: 'nobody', password: 'demo' })).status).toBe(401);
    expect((await anonymous.post('/api/auth/login', { username: 'finance', password: 'demo' })).status).toBe(200);
    expect(await entries(`entity = 'session' and actor in ('finance', 'nobody')`)).toEqual([
      { entity: 'session', action: 'login_failed', actor: 'finance', record_id: null, changes: {}, context: { ip: '127.0.0.1' } },
      { entity: 'session', action: 'login_failed', actor: 'nobody', record_id: null, changes: {}, context: { ip: '127.0.0.1' } },
      { entity: 'session', action: 'login', actor: 'finance', record_id: null, changes: {}, context: { ip: '127.0.0.1', session: expect.stringMatching(/^[0-9a-f-]{36}$/) } },
    ]);
  });

  it('audits every configuration publish with the version and hash it replaced', async () => {
    const version = await publishVariant(stack, (bundle) => { bundle.entities.quote.label = { en: 'Sales quote' }; });
    const published = (await (await stack.as('admin')).get('/api/config')).body;
    expect(published.version).toBe(version);
    const publishes = await entries(`entity = 'config' and action = 'publish'`);
    expect(publishes).toHaveLength(2);
    expect(publishes[0]).toMatchObject({ actor: 'admin', changes: { version: { before: null, after: 1 } } });
    expect(publishes[1]).toMatchObject({ actor: 'admin', changes: { version: { before: 1, after: version }, hash: { after: published.hash } } });
  });

  it('audits refused (403) requests although the request itself wrote nothing', async () => {
    const sales1 = await stack.as('sales1');
    const refused = await sales1.post('/api/config/publish', {});
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    expect(await entries(`entity = 'request'`)).toEqual([{
      entity: 'request', action: 'forbidden', actor: 'sales1', record_id: null, changes: {},
      context: { method: 'POST', route: '/api/config/publish', path: '/api/config/publish', code: 'FORBIDDEN', ip: '127.0.0.1' },
    }]);
  });

  it('keeps all of these in the one intact chain', async () => {
    const report = await verifyAuditChain(stack.orm.em.fork());
    expect(report.problems).toEqual([]);
    expect(report.rows).toBeGreaterThanOrEqual(7);
  });
});
