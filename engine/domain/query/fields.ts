/** How a field of an entity's data is stored in the `data` jsonb column and therefore how it is queried. */
export type FieldKind = 'text' | 'number' | 'boolean' | 'array' | 'object';

export interface FieldInfo {
  kind: FieldKind;
  /** The `x-type` of the field, when the schema declares one. */
  xType?: string;
  properties?: Record<string, FieldInfo>;
  items?: FieldInfo;
}

export type FieldCatalog = Record<string, FieldInfo>;

const textTypes = new Set(['text', 'email', 'phone', 'picklist', 'reference', 'user', 'date', 'datetime']);
const numberTypes = new Set(['percent']);

type SchemaNode = Record<string, unknown>;

function isNode(value: unknown): value is SchemaNode {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function jsonType(node: SchemaNode): string | undefined {
  const type = node.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.find((t) => t !== 'null') as string | undefined;
  if (Array.isArray(node.enum) && node.enum.length && node.enum.every((v) => typeof v === 'string')) return 'string';
  return undefined;
}

/** The query view of one JSON-Schema property; null when it cannot be queried (no recognisable type). */
export function fieldInfo(node: unknown): FieldInfo | null {
  if (!isNode(node)) return null;
  const xType = typeof node['x-type'] === 'string' ? (node['x-type'] as string) : undefined;
  if (xType === 'money') {
    return { kind: 'object', xType, properties: { amount: { kind: 'number' }, currency: { kind: 'text' } } };
  }
  if (xType === 'multiselect') return { kind: 'array', xType, items: { kind: 'text' } };
  if (xType && textTypes.has(xType)) return { kind: 'text', xType };
  if (xType && numberTypes.has(xType)) return { kind: 'number', xType };
  const type = jsonType(node);
  const base = xType ? { xType } : {};
  switch (type) {
    case 'string': return { kind: 'text', ...base };
    case 'number': case 'integer': return { kind: 'number', ...base };
    case 'boolean': return { kind: 'boolean', ...base };
    case 'array': {
      const items = fieldInfo(node.items);
      return { kind: 'array', ...base, ...(items ? { items } : {}) };
    }
    case 'object': return { kind: 'object', ...base, properties: catalogOf(node.properties) };
    default: return null;
  }
}

function catalogOf(properties: unknown): FieldCatalog {
  const catalog: FieldCatalog = {};
  if (!isNode(properties)) return catalog;
  for (const [name, node] of Object.entries(properties)) {
    const info = fieldInfo(node);
    if (info) catalog[name] = info;
  }
  return catalog;
}

/** The queryable fields of an entity's data schema (top-level properties, nested objects included). */
export function fieldCatalog(entitySchema: unknown): FieldCatalog {
  return isNode(entitySchema) ? catalogOf(entitySchema.properties) : {};
}

/** A SQL string literal for a JSON key taken from the entity schema (never from a request value). */
export function keyLiteral(key: string): string {
  return `'${key.replace(/'/g, "''")}'`;
}

/**
 * The SQL expression that reads a field path from `data`. Numbers go through `flowcrm_num(jsonb)` (migration
 * 0002), the same expression declared indexes use, so the planner can match them.
 */
export function fieldExpression(path: string[], kind: FieldKind, column = 'data'): string {
  const parents = path.slice(0, -1).map((k) => `->${keyLiteral(k)}`).join('');
  const last = keyLiteral(path[path.length - 1]);
  if (kind === 'text') return `(${column}${parents}->>${last})`;
  if (kind === 'number') return `flowcrm_num(${column}${parents}->${last})`;
  return `(${column}${parents}->${last})`;
}

/** `(data->...->>'x')`: the text form of a field, SQL NULL when absent or JSON null. */
export function fieldTextExpression(path: string[], column = 'data'): string {
  return fieldExpression(path, 'text', column);
}

/** Resolves a dotted field path against the catalog; returns null when any segment is unknown. */
export function resolvePath(catalog: FieldCatalog, path: string[]): FieldInfo | null {
  let fields: FieldCatalog | undefined = catalog;
  let info: FieldInfo | null = null;
  for (const segment of path) {
    if (!fields || !Object.hasOwn(fields, segment)) return null;
    info = fields[segment];
    fields = info.properties;
  }
  return info;
}
