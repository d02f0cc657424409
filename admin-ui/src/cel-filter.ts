// Pure module (no React): imported with .js extensions by test/unit under NodeNext.

/** The operators of the record list's filter builder: the common cases; anything else is typed as CEL. */
export const filterOps = ['eq', 'ne', 'contains', 'startsWith', 'gt', 'ge', 'lt', 'le', 'set', 'unset'] as const;
export type FilterOp = typeof filterOps[number];

type Property = { type?: unknown } | undefined;
const scalar = new Set(['string', 'number', 'integer', 'boolean']);

/** The fields a condition can be about: top-level strings, numbers and booleans (money and lines are objects). */
export function filterableFields(properties: Record<string, Property>): string[] {
  return Object.keys(properties).filter((f) => scalar.has(String(properties[f]?.type)));
}

/** Which operators fit a field of that schema type. */
export function operatorsFor(property: Property): FilterOp[] {
  switch (property?.type) {
    case 'string': return ['eq', 'ne', 'contains', 'startsWith', 'set', 'unset'];
    case 'number': case 'integer': return ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'set', 'unset'];
    case 'boolean': return ['eq', 'ne', 'set', 'unset'];
    default: return [];
  }
}

const cmp: Partial<Record<FilterOp, string>> = { eq: '==', ne: '!=', gt: '>', ge: '>=', lt: '<', le: '<=' };

/** The value as a CEL literal of the field's type (CEL keeps int and double apart), or null when it is not one. */
function literal(property: Property, value: string): string | null {
  const typed = value.trim();
  switch (property?.type) {
    case 'string': return JSON.stringify(value); // JSON string escaping is valid CEL string syntax
    case 'integer': return /^-?\d+$/.test(typed) ? typed : null;
    case 'number': return typed !== '' && Number.isFinite(Number(typed)) ? (Number.isInteger(Number(typed)) ? `${Number(typed)}.0` : String(Number(typed))) : null;
    case 'boolean': return typed === 'true' || typed === 'false' ? typed : null;
    default: return null;
  }
}

/**
 * One condition as CEL over `record` (`record.tier == "gold"`, `record.creditLine >= 100000.0`,
 * `record.name.contains("Glo")`, `has(record.email)`), or null when the value does not fit the field's type.
 * Conditions on a field that may be absent are guarded by `has()` so records without it are left out, not errors.
 */
export function celCondition(field: string, op: FilterOp, value: string, property: Property): string | null {
  const ref = `record.${field}`;
  if (op === 'set') return `has(${ref})`;
  if (op === 'unset') return `!has(${ref})`;
  if (!operatorsFor(property).includes(op)) return null;
  const v = literal(property, value);
  if (v === null) return null;
  const test = op === 'contains' || op === 'startsWith' ? `${ref}.${op}(${v})` : `${ref} ${cmp[op]} ${v}`;
  return `has(${ref}) && ${test}`;
}

/** The list's filter with one more condition (all must hold). */
export function andFilter(filter: string | undefined, condition: string): string {
  return filter ? `${filter} && ${condition}` : condition;
}
