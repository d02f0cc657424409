import { ConfigStore } from '../../engine/db/config-store.js';
import type { Stack } from './stack.js';

/** Entities that use every records feature: unique, numbering, picklists, references, users, computed, review. */
export const recordsTestEntities = {
  account: {
    label: { en: 'Account' },
    titleField: 'name',
    schema: {
      type: 'object',
      required: ['name', 'code'],
      properties: {
        number: { type: 'string', title: 'Number' },
        name: { type: 'string', maxLength: 100 },
        code: { type: 'string', 'x-unique': true },
        industry: { type: 'string', 'x-type': 'picklist', 'x-picklist': 'industry' },
        sectors: { type: 'array', 'x-type': 'multiselect', 'x-picklist': 'industry', items: { type: 'string' } },
        owner: { type: 'string', 'x-type': 'user' },
        seats: { type: 'integer', minimum: 0 },
        seatPrice: { type: 'number', minimum: 0 },
        yearly: { type: 'number', 'x-computed': 'has(record.seats) && has(record.seatPrice) ? double(record.seats * 12) * record.seatPrice : 0.0' },
        credit: { type: 'object', 'x-type': 'money', properties: { amount: { type: 'number' }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } } },
      },
      additionalProperties: false,
    },
    numbering: { field: 'number', pattern: 'A-{yyyy}-{seq:4}' },
    indexes: ['industry', 'seats'],
    review: { required: true },
  },
  contact: {
    label: { en: 'Contact' },
    schema: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string' },
        account: { type: 'string', 'x-type': 'reference', 'x-ref': 'account' },
        email: { type: 'string', 'x-type': 'email' },
      },
      additionalProperties: false,
    },
  },
};

export const recordsTestPicklists = {
  industry: { values: [{ value: 'energy', label: { en: 'Energy', zh: '能源' } }, { value: 'retail', label: { en: 'Retail', zh: '零售' } }] },
};

/** Publishes the current bundle plus the test entities straight through the store (no bundle validation). */
export async function publishRecordsTestBundle(stack: Stack): Promise<number> {
  const store = new ConfigStore(stack.orm.em.fork());
  const current = await store.current();
  const bundle = structuredClone(current.bundle) as Record<string, any>;
  bundle.entities = { ...bundle.entities, ...recordsTestEntities };
  bundle.picklists = { ...(bundle.picklists ?? {}), ...recordsTestPicklists };
  return (await store.publish(bundle, 'admin')).version;
}
