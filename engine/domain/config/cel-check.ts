import { checkExpression, parseCel } from '../cel.js';
import type { ConfigError } from './codes.js';

/** Variables whose members are record fields. */
const recordVariables = new Set(['record', 'previous']);

/**
 * Checks one CEL expression: it must parse and type-check, and every `record.x` / `previous.x` it reads must be a
 * top-level field of the entity (when the entity's fields are known).
 */
export function checkCel(expression: string, path: string, entity?: { name: string; fields: Set<string> }): ConfigError[] {
  const problem = checkExpression(expression);
  if (problem !== null) {
    return [{ code: 'INVALID_EXPRESSION', path, message: problem.split('\n')[0] || 'invalid CEL expression' }];
  }
  if (!entity) return [];
  const unknown = [...fieldsRead(parseCel(expression).ast)].filter((f) => !entity.fields.has(f));
  return unknown.map((field) => ({
    code: 'UNKNOWN_FIELD',
    path,
    message: `"${field}" is not a field of entity "${entity.name}"`,
  }));
}

interface AstNode {
  op: string;
  args: unknown;
}

function isNode(value: unknown): value is AstNode {
  return !!value && typeof value === 'object' && 'op' in value && 'args' in value;
}

function fieldsRead(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) fieldsRead(item, found);
    return found;
  }
  if (!isNode(node)) return found;
  const args = node.args;
  if ((node.op === '.' || node.op === '[]') && Array.isArray(args)) {
    const [target, key] = args;
    const name = typeof key === 'string' ? key : isNode(key) && key.op === 'value' ? key.args : undefined;
    if (isNode(target) && target.op === 'id' && recordVariables.has(String(target.args)) && typeof name === 'string') {
      found.add(name);
    }
  }
  return fieldsRead(args, found);
}
