// Pure module (no React): imported with .js extensions by test/unit under NodeNext.
import type { FieldType } from '../../../../engine/domain/config/field-types.js';
import type { EntityDefinition, LocalizedText } from '../../types.js';

type Schema = Record<string, unknown>;
const isObj = (v: unknown): v is Schema => !!v && typeof v === 'object' && !Array.isArray(v);

/** One row of the fields table: what the editor's form edits (the rest of the field's schema is kept as it is). */
export interface FieldRow {
  name: string; type?: FieldType; label: { en: string; zh: string }; picklist?: string; ref?: string; required: boolean; readOnly: boolean;
}

/** The JSON Schema a new field of each x-type starts from: the shape the publish check asks of that type. */
export const fieldSkeleton: Record<FieldType, Schema> = {
  text: { type: 'string', maxLength: 200 },
  email: { type: 'string', format: 'email', maxLength: 200 },
  phone: { type: 'string', pattern: '^[+]?[0-9][0-9 ()-]{2,19}$', maxLength: 20 },
  money: { type: 'object', properties: { amount: { type: 'number' }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } } },
  percent: { type: 'number', minimum: 0, maximum: 100 },
  picklist: { type: 'string' },
  multiselect: { type: 'array', items: { type: 'string' }, uniqueItems: true },
  reference: { type: 'string', format: 'uuid' },
  user: { type: 'string' },
  date: { type: 'string', format: 'date' },
  datetime: { type: 'string', format: 'date-time' },
};

export const fieldTypeNames = Object.keys(fieldSkeleton) as FieldType[];

const propertiesOf = (entity: EntityDefinition): Schema => (isObj(entity.schema) && isObj(entity.schema.properties) ? entity.schema.properties : {});
const requiredOf = (entity: EntityDefinition): string[] => (isObj(entity.schema) && Array.isArray(entity.schema.required) ? entity.schema.required as string[] : []);

export function fieldRows(entity: EntityDefinition): FieldRow[] {
  const required = requiredOf(entity);
  return Object.entries(propertiesOf(entity)).filter(([, s]) => isObj(s)).map(([name, value]) => {
    const s = value as Schema;
    const label = (isObj(s['x-label']) ? s['x-label'] : {}) as LocalizedText;
    return {
      name, type: s['x-type'] as FieldType | undefined,
      label: { en: label.en ?? (typeof s.title === 'string' ? s.title : ''), zh: label.zh ?? '' },
      picklist: typeof s['x-picklist'] === 'string' ? s['x-picklist'] : undefined,
      ref: typeof s['x-ref'] === 'string' ? s['x-ref'] : undefined,
      required: required.includes(name), readOnly: s.readOnly === true,
    };
  });
}

/**
 * The entity with field `row` added or changed (`previous` is its old name on a rename). A changed x-type starts
 * from that type's skeleton; the keys the table does not edit (maxLength, enum, ...) survive other changes.
 */
export function upsertField(entity: EntityDefinition, row: FieldRow, previous?: string): EntityDefinition {
  const properties = propertiesOf(entity);
  const old = isObj(properties[previous ?? row.name]) ? properties[previous ?? row.name] as Schema : undefined;
  const base: Schema = old && old['x-type'] === row.type ? { ...old } : { ...(row.type ? fieldSkeleton[row.type] : { type: 'string' }) };
  delete base['x-picklist'];
  delete base['x-ref'];
  const field: Schema = {
    ...base,
    ...(row.type ? { 'x-type': row.type } : {}),
    title: row.label.en || row.name,
    'x-label': row.label.zh ? { en: row.label.en || row.name, zh: row.label.zh } : { en: row.label.en || row.name },
    ...((row.type === 'picklist' || row.type === 'multiselect') && row.picklist ? { 'x-picklist': row.picklist } : {}),
    ...(row.type === 'reference' && row.ref ? { 'x-ref': row.ref } : {}),
  };
  const next: Schema = {};
  for (const [name, value] of Object.entries(properties)) next[name === previous ? row.name : name] = name === (previous ?? row.name) ? field : value;
  if (!Object.hasOwn(next, row.name)) next[row.name] = field;
  const required = requiredOf(entity).filter((n) => n !== row.name && n !== previous);
  if (row.required) required.push(row.name);
  return withSchema(entity, { properties: next, required });
}

export function removeField(entity: EntityDefinition, name: string): EntityDefinition {
  const properties = { ...propertiesOf(entity) };
  delete properties[name];
  return withSchema(entity, { properties, required: requiredOf(entity).filter((n) => n !== name) });
}

function withSchema(entity: EntityDefinition, { properties, required }: { properties: Schema; required: string[] }): EntityDefinition {
  const schema: Schema = { ...(entity.schema as Schema), properties };
  if (required.length) schema.required = required;
  else delete schema.required;
  return { ...entity, schema: schema as EntityDefinition['schema'] };
}
