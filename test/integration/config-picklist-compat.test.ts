import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack?.stop();
});

const values = (...names: string[]) => names.map((value) => ({ value, label: { en: value } }));

describe('compatibility of picklist changes', () => {
  it('counts the records whose picklist or multiselect value a new version drops', async () => {
    const admin = await stack.as('admin');
    const { version: _v, hash: _h, ...bundle } = (await admin.get('/api/config')).body;
    bundle.picklists = { ...bundle.picklists, regions: { values: values('east', 'west', 'north') } };
    bundle.entities.quote.schema.properties.region = { type: 'string', 'x-type': 'picklist', 'x-picklist': 'regions' };
    bundle.entities.quote.schema.properties.coverage = { type: 'array', items: { type: 'string' }, 'x-type': 'multiselect', 'x-picklist': 'regions' };
    expect(await admin.post('/api/config/publish', bundle)).toMatchObject({ status: 201, body: { version: 2 } });

    const sales1 = await stack.as('sales1');
    const line = [{ product: 'P', quantity: 1, unitPrice: 1 }];
    for (const extra of [{ region: 'west', coverage: ['east', 'west'] }, { region: 'east', coverage: ['north'] }, { region: 'west' }, {}]) {
      const res = await sales1.post('/api/records/quote', { customerName: 'C', lines: line, ...extra });
      expect(res.status).toBe(201);
    }

    const candidate = structuredClone(bundle);
    candidate.picklists.regions.values = values('east', 'north');
    const res = await admin.post('/api/config/compatibility', candidate);
    expect(res.status).toBe(200);
    expect(res.body.issues.map((i: any) => [i.path, i.code, i.records])).toEqual([
      ['/coverage', 'PICKLIST_VALUE_REMOVED', 1],
      ['/region', 'PICKLIST_VALUE_REMOVED', 2],
    ]);
    expect(res.body.issues[1].message).toBe('region: picklist regions no longer has "west" (2 records)');

    const refused = await admin.post('/api/config/publish', candidate);
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.map((d: any) => d.path)).toEqual([
      '/entities/quote/schema/properties/coverage', '/entities/quote/schema/properties/region',
    ]);
    candidate.picklists.regions.values = values('east', 'west', 'north', 'south');
    expect((await admin.post('/api/config/compatibility', candidate)).body).toEqual({ compatible: true, issues: [] });
  });
});
