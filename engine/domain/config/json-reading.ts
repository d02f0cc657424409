/** Defensive readers for a bundle that may be malformed (what is malformed was reported by the meta-schema). */

export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

export function entriesOf(value: unknown): [string, unknown][] {
  return isObj(value) ? Object.entries(value) : [];
}

export function itemsOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The top-level field schemas of an entity definition (`schema.properties`), or undefined when malformed. */
export function fieldSchemas(entity: unknown): Obj | undefined {
  if (!isObj(entity) || !isObj(entity.schema)) return undefined;
  return isObj(entity.schema.properties) ? entity.schema.properties : undefined;
}
