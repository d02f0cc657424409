import { parseCel } from '../cel.js';
import { DomainError } from '../errors.js';
import { fieldExpression, fieldTextExpression, resolvePath, type FieldCatalog, type FieldInfo } from './fields.js';
import { SqlParams } from './sql-params.js';

/** The translated filter: a SQL boolean over the `data` column and the values bound to its placeholders. */
export interface SqlFilter {
  sql: string;
  params: unknown[];
}

interface AstNode {
  op: string;
  args: unknown;
}

interface FieldRef {
  path: string[];
  info: FieldInfo;
}

type Literal = string | number | bigint | boolean | null;

/**
 * A field of another record the filter may compare with, e.g. `subject.customer` in an entity rule's aggregate: it
 * becomes a placeholder whose value `bindFilterParams` reads from that record when the query runs.
 */
export class BoundField {
  constructor(readonly variable: string, readonly path: string[], readonly kind: 'text' | 'number') {}
}

/** Records besides `record` a filter may read fields of: variable name -> that record's field catalog. */
export type BoundRecords = Record<string, FieldCatalog>;

const MAX_DEPTH = 40;
const comparisons: Record<string, string> = { '==': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
const flipped: Record<string, string> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

export function filterError(message: string): DomainError {
  return new DomainError('VALIDATION_FAILED', `the filter is not usable: ${message}`, [{ path: '/query/filter', message }]);
}

function isNode(value: unknown): value is AstNode {
  return !!value && typeof value === 'object' && typeof (value as AstNode).op === 'string';
}

/**
 * `a.b.c` -> root `a` and path `[b, c]`; root null when the chain does not start at a name. Null when the node is no
 * member access at all.
 */
export function memberPath(node: unknown): { root: string | null; path: string[] } | null {
  if (!isNode(node) || node.op !== '.') return null;
  const path: string[] = [];
  let current: unknown = node;
  while (isNode(current) && current.op === '.') {
    const [target, key] = current.args as [unknown, string];
    path.unshift(String(key));
    current = target;
  }
  return { root: isNode(current) && current.op === 'id' && typeof current.args === 'string' ? current.args : null, path };
}

function describe(path: string[]): string {
  return `record.${path.join('.')}`;
}

/**
 * Translates a CEL filter over `record` (fields are written `record.<field>`, nested objects `record.a.b`) into a
 * parameterised SQL condition over the `data` jsonb column. Field names are checked against the entity schema and
 * literals against the field's type. Placeholders continue the numbering of `params`.
 */
export function translateFilter(expression: string, catalog: FieldCatalog, params = new SqlParams(), bound: BoundRecords = {}): SqlFilter {
  let ast: unknown;
  try {
    ast = parseCel(expression).ast;
  } catch (error) {
    throw filterError(String((error as Error).message).split('\n')[0]);
  }
  const translator = new Translator(catalog, params, bound);
  return { sql: translator.predicate(ast, 0), params: params.values };
}

class Translator {
  constructor(private readonly catalog: FieldCatalog, private readonly params: SqlParams, private readonly bound: BoundRecords) {}

  predicate(node: unknown, depth: number): string {
    if (depth > MAX_DEPTH) throw filterError('the expression is nested too deeply');
    if (!isNode(node)) throw filterError('unsupported expression');
    const args = node.args;
    switch (node.op) {
      case '&&': case '||': {
        const [a, b] = args as unknown[];
        return `(${this.predicate(a, depth + 1)} ${node.op === '&&' ? 'and' : 'or'} ${this.predicate(b, depth + 1)})`;
      }
      case '!_': return `(not ${this.predicate(args, depth + 1)})`;
      case 'in': return this.membership(args as unknown[]);
      case 'call': return this.call(args as [string, unknown[]]);
      case 'rcall': return this.method(args as [string, unknown, unknown[]]);
      case 'value':
        if (typeof args === 'boolean') return args ? 'true' : 'false';
        throw filterError('a filter must be a condition (true or false), not a value');
      case '.': case 'id': {
        const field = this.field(node);
        if (field?.info.kind !== 'boolean') throw filterError(`${field ? describe(field.path) : 'the expression'} is not a boolean condition`);
        return `${fieldExpression(field.path, 'boolean')} = 'true'::jsonb`;
      }
      default:
        if (node.op in comparisons) return this.comparison(node.op, args as unknown[]);
        throw filterError(`the operator "${node.op}" is not supported in filters`);
    }
  }

  /** `record.a.b` -> its path and schema info; null when the node is not a field reference. */
  private field(node: unknown): FieldRef | null {
    if (!isNode(node)) return null;
    if (node.op === 'id') {
      const name = String(node.args);
      if (Object.hasOwn(this.bound, name)) throw filterError(`compare a field of ${name}, e.g. ${name}.id`);
      if (name === 'record') throw filterError('compare a field of the record, e.g. record.status');
      throw filterError(`unknown name "${name}": fields are written record.${name}`);
    }
    const member = memberPath(node);
    if (!member) return null;
    const { root, path } = member;
    if (root !== null && Object.hasOwn(this.bound, root)) return null;
    if (root !== 'record') throw filterError('fields are written record.<field>');
    const info = resolvePath(this.catalog, path);
    if (!info) throw filterError(`unknown field "${path.join('.')}"`);
    return { path, info };
  }

  private literal(node: unknown): { value: Literal } | null {
    if (!isNode(node)) return null;
    if (node.op === 'value') {
      const value = node.args;
      if (typeof value === 'string' && value.includes('\u0000')) throw filterError('strings may not contain NUL characters');
      if (value === null || ['string', 'number', 'bigint', 'boolean'].includes(typeof value)) return { value: value as Literal };
      if (value && typeof value === 'object' && typeof (value as { value?: unknown }).value === 'bigint') {
        return { value: (value as { value: bigint }).value };
      }
      throw filterError('unsupported literal');
    }
    if (node.op === '-_') {
      const inner = this.literal(node.args);
      if (inner && (typeof inner.value === 'number' || typeof inner.value === 'bigint')) return { value: -inner.value };
      throw filterError('unary minus applies to numbers only');
    }
    return null;
  }

  private comparison(op: string, args: unknown[]): string {
    let [left, right] = args;
    let operator = op;
    if (!this.field(left) && this.field(right)) {
      [left, right] = [right, left];
      operator = flipped[op];
    }
    const field = this.field(left);
    if (!field) throw filterError('each comparison needs a field of the record on one side');
    const other = this.boundField(right);
    if (other) return this.compareBound(field, operator, other);
    const literal = this.literal(right);
    if (!literal) {
      const fields = Object.keys(this.bound).map((name) => ` or a field of ${name}`).join('');
      throw filterError(`compare ${describe(field.path)} with a literal value${fields}`);
    }
    return this.compare(field, operator, literal.value);
  }

  /** `subject.a.b` (a variable of `bound`) -> its path and schema info; null when the node is no such field. */
  private boundField(node: unknown): { variable: string; path: string[]; info: FieldInfo } | null {
    const member = memberPath(node);
    if (!member || member.root === null || !Object.hasOwn(this.bound, member.root)) return null;
    const { root: variable, path } = member;
    const info = resolvePath(this.bound[variable], path);
    if (!info) throw filterError(`unknown field "${path.join('.')}" of ${variable}`);
    return { variable, path, info };
  }

  private compareBound(field: FieldRef, op: string, other: { variable: string; path: string[]; info: FieldInfo }): string {
    const name = describe(field.path);
    const otherName = `${other.variable}.${other.path.join('.')}`;
    if (field.info.kind !== other.info.kind) throw filterError(`${name} is ${field.info.kind} and ${otherName} is ${other.info.kind}: they cannot be compared`);
    if (field.info.kind === 'text') return `${fieldExpression(field.path, 'text')} ${comparisons[op]} ${this.params.add(new BoundField(other.variable, other.path, 'text'))}`;
    if (field.info.kind === 'number') {
      return `${fieldExpression(field.path, 'number')} ${comparisons[op]} ${this.params.add(new BoundField(other.variable, other.path, 'number'))}::numeric`;
    }
    throw filterError(`${name} is ${field.info.kind === 'boolean' ? 'a boolean' : 'not a scalar'}: compare it with a literal`);
  }

  private compare(field: FieldRef, op: string, value: Literal): string {
    const name = describe(field.path);
    if (value === null) {
      if (op !== '==' && op !== '!=') throw filterError(`${name} can only be compared with null using == or !=`);
      return `${fieldTextExpression(field.path)} is ${op === '==' ? '' : 'not '}null`;
    }
    const sqlOp = comparisons[op];
    switch (field.info.kind) {
      case 'text':
        if (typeof value !== 'string') throw filterError(`${name} is text: compare it with a string, not ${typeName(value)}`);
        return `${fieldExpression(field.path, 'text')} ${sqlOp} ${this.params.add(value)}`;
      case 'number':
        if (typeof value !== 'number' && typeof value !== 'bigint') throw filterError(`${name} is a number: compare it with a number, not ${typeName(value)}`);
        return `${fieldExpression(field.path, 'number')} ${sqlOp} ${this.params.add(numberParam(value))}::numeric`;
      case 'boolean':
        if (typeof value !== 'boolean') throw filterError(`${name} is a boolean: compare it with true or false, not ${typeName(value)}`);
        if (op !== '==' && op !== '!=') throw filterError(`${name} is a boolean: use == or !=`);
        return `${fieldExpression(field.path, 'boolean')} ${sqlOp} ${this.params.add(String(value))}::jsonb`;
      default:
        throw filterError(`${name} is ${field.info.kind === 'array' ? 'a list' : 'an object'} and cannot be compared`);
    }
  }

  private membership(args: unknown[]): string {
    const [left, right] = args;
    const field = this.field(left);
    if (field) {
      if (!isNode(right) || right.op !== 'list') throw filterError(`${describe(field.path)} in ... needs a list of literals`);
      const values = (right.args as unknown[]).map((item) => {
        const literal = this.literal(item);
        if (!literal) throw filterError('lists in filters hold literals only');
        return literal.value;
      });
      return this.inList(field, values);
    }
    const container = this.field(right);
    const literal = this.literal(left);
    if (!container || !literal) throw filterError('use record.<field> in [...] or "value" in record.<list field>');
    if (container.info.kind !== 'array') throw filterError(`${describe(container.path)} is not a list`);
    const itemKind = container.info.items?.kind;
    if (itemKind === 'text' && typeof literal.value !== 'string') throw filterError(`${describe(container.path)} holds text: look for a string`);
    if (itemKind === 'number' && typeof literal.value !== 'number' && typeof literal.value !== 'bigint') {
      throw filterError(`${describe(container.path)} holds numbers: look for a number`);
    }
    const element = typeof literal.value === 'bigint' ? Number(literal.value) : literal.value;
    return `${fieldExpression(container.path, 'array')} @> ${this.params.add(JSON.stringify([element]))}::jsonb`;
  }

  private inList(field: FieldRef, values: Literal[]): string {
    const name = describe(field.path);
    if (!values.length) return 'false';
    if (field.info.kind === 'text') {
      if (!values.every((v) => typeof v === 'string')) throw filterError(`${name} is text: the list must hold strings`);
      return `${fieldExpression(field.path, 'text')} = any(${this.params.add(values)}::text[])`;
    }
    if (field.info.kind === 'number') {
      if (!values.every((v) => typeof v === 'number' || typeof v === 'bigint')) throw filterError(`${name} is a number: the list must hold numbers`);
      return `${fieldExpression(field.path, 'number')} = any(${this.params.add(values.map((v) => numberParam(v as number | bigint)))}::numeric[])`;
    }
    throw filterError(`${name} cannot be used with in [...]`);
  }

  private call([name, args]: [string, unknown[]]): string {
    if (name !== 'has') throw filterError(`the function "${name}" is not supported in filters`);
    const field = args.length === 1 ? this.field(args[0]) : null;
    if (!field) throw filterError('has() takes one field, e.g. has(record.total)');
    return `${fieldExpression(field.path, 'object')} is not null`;
  }

  private method([name, target, args]: [string, unknown, unknown[]]): string {
    if (!['startsWith', 'endsWith', 'contains'].includes(name)) throw filterError(`the function "${name}" is not supported in filters`);
    const field = this.field(target);
    if (!field) throw filterError(`${name}() applies to a field of the record`);
    if (field.info.kind !== 'text') throw filterError(`${describe(field.path)} is not text: ${name}() needs a text field`);
    const literal = args.length === 1 ? this.literal(args[0]) : null;
    if (!literal || typeof literal.value !== 'string') throw filterError(`${name}() takes one string`);
    const escaped = literal.value.replace(/[\\%_]/g, (c) => `\\${c}`);
    const pattern = name === 'startsWith' ? `${escaped}%` : name === 'endsWith' ? `%${escaped}` : `%${escaped}%`;
    return `${fieldExpression(field.path, 'text')} like ${this.params.add(pattern)}`;
  }
}

function typeName(value: Literal): string {
  if (value === null) return 'null';
  if (typeof value === 'bigint') return 'a number';
  return typeof value === 'string' ? 'a string' : typeof value === 'boolean' ? 'a boolean' : 'a number';
}

function numberParam(value: number | bigint): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw filterError('numbers in filters must be finite');
  return String(value);
}

/**
 * The parameters of a translated filter with each BoundField replaced by the value of that field in `records`
 * (variable -> data); an absent field binds SQL NULL, so a comparison with it matches no record.
 */
export function bindFilterParams(params: readonly unknown[], records: Record<string, Record<string, unknown>>): unknown[] {
  return params.map((param) => {
    if (!(param instanceof BoundField)) return param;
    let value: unknown = records[param.variable];
    for (const key of param.path) value = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
    if (param.kind === 'text') return typeof value === 'string' ? value : null;
    return typeof value === 'number' && Number.isFinite(value) ? String(value) : null;
  });
}
