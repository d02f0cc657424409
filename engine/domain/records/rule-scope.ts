/** What an entity rule's CEL may read besides `record`: shared by the publish check and the write path. */

/** Variables every rule has; a reference field of one of these names is not exposed under its name. */
export const RULE_VARIABLES: ReadonlySet<string> = new Set(['record', 'previous', 'actor', 'now', 'aggregates']);

/** CEL's reserved words and literals: no variable may be named so. */
const RESERVED = new Set([
  'as', 'break', 'const', 'continue', 'else', 'false', 'for', 'function', 'if', 'import', 'in', 'let', 'loop', 'package',
  'namespace', 'null', 'return', 'true', 'var', 'void', 'while',
]);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The reference fields of an entity schema that rules read under the field's own name (`customer.creditLine` for
 * `customer: {x-type: reference, x-ref: customer}`): field -> referenced entity. Fields whose name is a rule
 * variable, a CEL reserved word or no CEL identifier are left out.
 */
export function ruleReferences(definition: unknown): Map<string, string> {
  const schema = isObj(definition) && isObj(definition.schema) ? definition.schema : {};
  const properties = isObj(schema.properties) ? schema.properties : {};
  const references = new Map<string, string>();
  for (const [field, node] of Object.entries(properties)) {
    if (!isObj(node) || node['x-type'] !== 'reference' || typeof node['x-ref'] !== 'string') continue;
    if (RULE_VARIABLES.has(field) || RESERVED.has(field) || !IDENTIFIER.test(field)) continue;
    references.set(field, node['x-ref']);
  }
  return references;
}
