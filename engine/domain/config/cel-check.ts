import type { Environment } from '@marcbachmann/cel-js';
import { checkExpression, parseCel } from '../cel.js';
import { entityEnvironment } from './cel-types.js';
import type { ConfigError } from './codes.js';
import { fieldSchemas } from './json-reading.js';

export type CelProblemCode = 'INVALID_EXPRESSION' | 'UNKNOWN_FIELD';

export interface CelProblem {
  code: CelProblemCode;
  message: string;
}

/**
 * What an expression must yield (`dyn`, decided at run time, always passes): `bool` for conditions, `date` for
 * timer dates (a timestamp or an ISO string), `id` for record ids (a string).
 */
export type CelExpectation = 'bool' | 'date' | 'id' | 'number';

const expectedTypes: Record<CelExpectation, { types: string[]; what: string }> = {
  bool: { types: ['bool'], what: 'a condition must yield bool' },
  date: { types: ['google.protobuf.Timestamp', 'string'], what: 'a date must yield a timestamp or an ISO date string' },
  id: { types: ['string'], what: 'a record id must yield a string' },
  number: { types: ['double', 'int', 'uint'], what: 'points must yield a number' },
};

export interface CelCheckOptions {
  /** The result type required; see CelExpectation. */
  expect?: CelExpectation;
  /** Used in messages only: `"x" is not a field of entity "<name>"`. */
  entityName?: string;
}

/**
 * Checks a CEL expression against an entity definition (`{schema: {type: "object", properties}}`): it must parse,
 * every `record.x` / `previous.x` / `record["x"]` (also inside `has()`) must be a top-level field, nested fields of
 * typed objects must exist, operators must fit the field types (`record.total > "x"` is an error), and with
 * `expect: 'bool'` the result must be a boolean. Returns the first problem, or null when the expression is sound.
 * Environments are cached per definition object, so checking many expressions against one entity is cheap.
 */
export function checkCelAgainstEntity(
  expression: string,
  entity: unknown,
  options: CelCheckOptions = {},
): CelProblem | null {
  const syntax = checkExpression(expression);
  if (syntax !== null) return { code: 'INVALID_EXPRESSION', message: syntax || 'invalid CEL expression' };
  const fields = fieldSchemas(entity);
  if (fields) {
    const unknown = [...fieldsRead(parseCel(expression).ast)].find((f) => !Object.hasOwn(fields, f));
    if (unknown !== undefined) {
      const of = options.entityName === undefined ? 'the entity' : `entity "${options.entityName}"`;
      return { code: 'UNKNOWN_FIELD', message: `"${unknown}" is not a field of ${of}` };
    }
  }
  const environment = entityEnvironment(entity);
  return environment ? typed(environment, expression, options) : untypedResult(expression, options);
}

function typed(environment: Environment, expression: string, options: CelCheckOptions): CelProblem | null {
  let result: { valid: boolean; type?: string; error?: { message?: string } };
  try {
    result = environment.check(expression) as typeof result;
  } catch (error) {
    return { code: 'INVALID_EXPRESSION', message: firstLine((error as Error).message) };
  }
  if (!result.valid) {
    const message = firstLine(result.error?.message ?? 'type error');
    const missing = /^No such key: (.+)$/.exec(message);
    if (missing) return { code: 'UNKNOWN_FIELD', message: `"${missing[1]}" is not a field of the object it is read from` };
    return { code: 'INVALID_EXPRESSION', message };
  }
  return expectation(result.type, options);
}

/** Without a usable entity schema only the result type of the untyped check is known. */
function untypedResult(expression: string, options: CelCheckOptions): CelProblem | null {
  if (!options.expect) return null;
  const result = parseCel(expression).check() as { type?: string };
  return expectation(result.type, options);
}

function expectation(type: string | undefined, options: CelCheckOptions): CelProblem | null {
  if (options.expect === undefined || type === undefined || type === 'dyn') return null;
  const expected = expectedTypes[options.expect];
  if (expected.types.includes(type)) return null;
  return { code: 'INVALID_EXPRESSION', message: `${expected.what}, this expression yields ${type}` };
}

/** The CEL type an expression yields in an environment (e.g. `double`, `bool`), or undefined when it does not check. */
export function resultTypeIn(environment: Environment, expression: string): string | undefined {
  try {
    const result = environment.check(expression) as { valid: boolean; type?: string };
    return result.valid ? result.type : undefined;
  } catch {
    return undefined;
  }
}

/** The CEL type an expression yields against the entity (e.g. `double`, `bool`), or undefined when unknown. */
export function celResultType(expression: string, entity: unknown): string | undefined {
  try {
    const result = entityEnvironment(entity)?.check(expression) as { valid: boolean; type?: string } | undefined;
    return result?.valid ? result.type : undefined;
  } catch {
    return undefined;
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0] || 'invalid CEL expression';
}

/**
 * The bundle's use: one expression at a JSON-pointer path; `entity` is the definition of the chain's, process's or
 * pipeline's entity (undefined when that is unknown: then only syntax and result type are checked).
 */
export function checkCel(
  expression: string,
  path: string,
  entity: { name: string; definition: unknown } | undefined,
  expect?: CelExpectation,
): ConfigError[] {
  const problem = checkCelAgainstEntity(expression, entity?.definition, { expect, entityName: entity?.name });
  return problem ? [{ code: problem.code, path, message: problem.message }] : [];
}

/**
 * One expression of a process against its own environment (cel-types.ts processEnvironment), which declares
 * `event` and `form` besides the record: the same checks as checkCelAgainstEntity, reported at `path`.
 */
export function checkCelInEnvironment(
  environment: Environment,
  expression: string,
  path: string,
  entity: { name: string; definition: unknown } | undefined,
  expect?: CelExpectation,
  members: KnownMembers = {},
): ConfigError[] {
  const problem = problemIn(environment, expression, entity, { expect, entityName: entity?.name }, members);
  return problem ? [{ code: problem.code, path, message: problem.message }] : [];
}

/** Typed variables besides the record whose keys are known: a read of another key is UNKNOWN_FIELD with `what`. */
export type KnownMembers = Record<string, { keys: Set<string>; what: string } | undefined>;

function problemIn(
  environment: Environment,
  expression: string,
  entity: { definition: unknown } | undefined,
  options: CelCheckOptions,
  members: KnownMembers,
): CelProblem | null {
  let ast: unknown;
  try {
    ast = parseCel(expression).ast;
  } catch (error) {
    return { code: 'INVALID_EXPRESSION', message: firstLine((error as Error).message) };
  }
  const fields = fieldSchemas(entity?.definition);
  const unknown = fields ? [...fieldsRead(ast)].find((f) => !Object.hasOwn(fields, f)) : undefined;
  if (unknown !== undefined) {
    const of = options.entityName === undefined ? 'the entity' : `entity "${options.entityName}"`;
    return { code: 'UNKNOWN_FIELD', message: `"${unknown}" is not a field of ${of}` };
  }
  for (const [variable, known] of Object.entries(members)) {
    if (!known) continue;
    const missing = [...membersRead(ast, new Set([variable]))].find((key) => !known.keys.has(key));
    if (missing !== undefined) return { code: 'UNKNOWN_FIELD', message: `"${missing}" ${known.what}` };
  }
  return typed(environment, expression, options);
}

/** Variables whose members are record fields. */
const recordVariables = new Set(['record', 'previous']);

interface AstNode {
  op: string;
  args: unknown;
}

function isNode(value: unknown): value is AstNode {
  return !!value && typeof value === 'object' && 'op' in value && 'args' in value;
}

/** Top-level record fields an expression reads, including through `has(record.x)` and `record["x"]`. */
function fieldsRead(node: unknown): Set<string> {
  return membersRead(node, recordVariables);
}

/** The keys read directly from any of `variables` (`v.x`, `v["x"]`, `v.?x`, also inside `has()`). */
function membersRead(node: unknown, variables: Set<string>, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) membersRead(item, variables, found);
    return found;
  }
  if (!isNode(node)) return found;
  const args = node.args;
  if ((node.op === '.' || node.op === '[]' || node.op === '.?' || node.op === '[?]') && Array.isArray(args)) {
    const [target, key] = args;
    const name = typeof key === 'string' ? key : isNode(key) && key.op === 'value' ? key.args : undefined;
    if (isNode(target) && target.op === 'id' && variables.has(String(target.args)) && typeof name === 'string') {
      found.add(name);
    }
  }
  return membersRead(args, variables, found);
}
