import { parseCel } from '../cel.js';
import type { RuleAggregate } from '../config/types.js';
import { DomainError } from '../errors.js';
import { fieldExpression, resolvePath, type FieldCatalog } from '../query/fields.js';
import { memberPath, translateFilter } from '../query/filter.js';
import { SqlParams } from '../query/sql-params.js';


/** The one query of an aggregate; its params hold BoundField placeholders for `subject` (bindFilterParams). */
export interface AggregateQuery {
  sql: string;
  params: unknown[];
}

/** Why an aggregate cannot run: where (`sum` or `where`), and whether a field is unknown or the form is unsupported. */
export class AggregateProblem extends Error {
  constructor(readonly part: 'sum' | 'where', readonly code: 'UNKNOWN_FIELD' | 'INVALID_AGGREGATE', message: string) {
    super(message);
  }
}

interface AstNode {
  op: string;
  args: unknown;
}

function isNode(value: unknown): value is AstNode {
  return !!value && typeof value === 'object' && typeof (value as AstNode).op === 'string';
}

const MAX_DEPTH = 40;
const arithmetic: Record<string, string> = { '+': '+', '-': '-', '*': '*' };

function sumProblem(message: string): AggregateProblem {
  return new AggregateProblem('sum', 'INVALID_AGGREGATE', `sum: ${message}`);
}

/**
 * The SQL numeric expression of `sum`. An absent number counts as 0 (as a blank field in a roll-up), so a record
 * without `paidAmount` still adds its `amount`.
 */
export function sumExpression(expression: string, catalog: FieldCatalog): string {
  let ast: unknown;
  try {
    ast = parseCel(expression).ast;
  } catch (error) {
    throw sumProblem(String((error as Error).message).split('\n')[0]);
  }
  return term(ast, catalog, 0);
}

function term(node: unknown, catalog: FieldCatalog, depth: number): string {
  if (depth > MAX_DEPTH) throw sumProblem('the expression is nested too deeply');
  if (!isNode(node)) throw sumProblem('unsupported expression');
  if (node.op in arithmetic) {
    const [a, b] = node.args as unknown[];
    return `(${term(a, catalog, depth + 1)} ${arithmetic[node.op]} ${term(b, catalog, depth + 1)})`;
  }
  if (node.op === '-_') return `(- ${term(node.args, catalog, depth + 1)})`;
  if (node.op === 'value') {
    const value = node.args;
    const number = typeof value === 'number' || typeof value === 'bigint' ? value
      : value && typeof value === 'object' && typeof (value as { value?: unknown }).value === 'bigint' ? (value as { value: bigint }).value : undefined;
    if (number === undefined || (typeof number === 'number' && !Number.isFinite(number))) throw sumProblem('only number literals may appear');
    return `${String(number)}::numeric`;
  }
  const member = memberPath(node);
  if (member) {
    const { root, path } = member;
    if (root !== 'record') throw sumProblem('fields are written record.<field>');
    const info = resolvePath(catalog, path);
    if (!info) throw new AggregateProblem('sum', 'UNKNOWN_FIELD', `sum: unknown field "${path.join('.')}"`);
    if (info.kind !== 'number') throw sumProblem(`record.${path.join('.')} is not a number`);
    return `coalesce(${fieldExpression(path, 'number')}, 0)`;
  }
  if (node.op === 'id') throw sumProblem(`unknown name "${String(node.args)}": fields are written record.<field>`);
  throw sumProblem(`the operator "${node.op}" is not supported: use numeric fields, numbers, +, - and *`);
}

/** The top-level conjuncts of `where` that compare a field of `record` with == (the ones an index can serve). */
function equalityFields(ast: unknown): string[] {
  if (!isNode(ast)) return [];
  if (ast.op === '&&') return (ast.args as unknown[]).flatMap(equalityFields);
  if (ast.op !== '==') return [];
  return (ast.args as unknown[]).flatMap((side) => {
    if (!isNode(side) || side.op !== '.') return [];
    const [target, key] = side.args as [unknown, string];
    return isNode(target) && target.op === 'id' && target.args === 'record' ? [String(key)] : [];
  });
}

/**
 * Compiles an aggregate into one `select` over `records` in the caller's transaction: the live records of the entity
 * matching `where`, summed exactly in `numeric` and returned as text. `where` must compare one of `indexed` (the
 * entity's declared indexes and unique fields) with ==, so the query is an index scan. Throws AggregateProblem.
 */
export function compileAggregate(aggregate: RuleAggregate, catalog: FieldCatalog, subject: FieldCatalog, indexed: readonly string[]): AggregateQuery {
  const sum = sumExpression(aggregate.sum, catalog);
  const params = new SqlParams();
  const entity = params.add(aggregate.entity);
  let where: string;
  try {
    where = translateFilter(aggregate.where, catalog, params, { subject }).sql;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const message = error.details[0]?.message ?? error.message;
    throw new AggregateProblem('where', /^unknown field/.test(message) ? 'UNKNOWN_FIELD' : 'INVALID_AGGREGATE', `where: ${message}`);
  }
  const compared = equalityFields(parseCel(aggregate.where).ast);
  if (!compared.some((field) => indexed.includes(field))) {
    throw new AggregateProblem('where', 'INVALID_AGGREGATE',
      `where: compare an indexed field of "${aggregate.entity}" with == (indexed: ${indexed.join(', ') || 'none'}), so that it runs as one indexed query`);
  }
  return {
    sql: `select coalesce(sum(${sum}), 0)::text as total from records where entity = ${entity} and deleted_at is null and ${where}`,
    params: params.values,
  };
}
