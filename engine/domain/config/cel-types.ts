import { Environment } from '@marcbachmann/cel-js';
import { celLimits } from '../cel.js';
import { isObj, type Obj } from './json-reading.js';

/**
 * A typed CEL environment per entity: `record` and `previous` are declared with one CEL type per field, derived from
 * the entity's JSON Schema, so that `env.check()` reports unknown fields and type errors at publish time.
 *
 * JSON numbers (`number` and `integer`) are CEL `double`: record data is JSON, and at run time cel-js treats a JS
 * number as a double, so `record.quantity + 1` fails at run time and must fail the check as well (write `1.0`).
 * Comparisons between double and int literals (`record.total > 10`) are fine both ways.
 */

/** Nested object schemas deeper than this are typed `dyn` (the schema depth limit is 16 anyway). */
const maxTypeDepth = 16;

class TypeCollector {
  /** Custom type name -> field types, inner types first (they must be registered before the types using them). */
  readonly types = new Map<string, Record<string, string>>();

  typeOf(schema: unknown, name: string, depth: number): string {
    if (!isObj(schema) || depth > maxTypeDepth) return 'dyn';
    if (schema['x-type'] === 'money' && !isObj(schema.properties)) {
      this.types.set(name, { amount: 'double', currency: 'string' });
      return name;
    }
    switch (schema.type) {
      case 'string':
        return 'string';
      case 'number':
      case 'integer':
        return 'double';
      case 'boolean':
        return 'bool';
      case 'array':
        return `list<${this.typeOf(schema.items, `${name}.item`, depth + 1)}>`;
      case 'object':
        return isObj(schema.properties) ? this.objectType(schema.properties, name, depth) : 'map<string, dyn>';
      case undefined:
        return untypedScalar(schema);
      default:
        return 'dyn';
    }
  }

  objectType(properties: Obj, name: string, depth: number): string {
    const fields: Record<string, string> = {};
    for (const [field, schema] of Object.entries(properties)) fields[field] = this.typeOf(schema, `${name}.${field}`, depth + 1);
    this.types.set(name, fields);
    return name;
  }
}

/** `{"enum": ["a", "b"]}` or `{"const": "a"}` without a type: a string when every value is one. */
function untypedScalar(schema: Obj): string {
  const values = Array.isArray(schema.enum) ? schema.enum : 'const' in schema ? [schema.const] : [];
  return values.length > 0 && values.every((v) => typeof v === 'string') ? 'string' : 'dyn';
}

/** The CEL type of one field schema, e.g. `double`, `list<string>`, `map<string, dyn>` (custom types by path name). */
export function celTypeOfField(fieldSchema: unknown, fieldName: string): string {
  return new TypeCollector().typeOf(fieldSchema, `record.${fieldName}`, 1);
}

const environments = new WeakMap<object, Environment | null>();

/**
 * The typed environment for an entity definition (`{schema: {type: "object", properties}}`), cached per definition
 * object; null when the definition has no usable `schema.properties` or its types cannot be declared.
 */
export function entityEnvironment(entity: unknown): Environment | null {
  if (!isObj(entity)) return null;
  const cached = environments.get(entity);
  if (cached !== undefined) return cached;
  const environment = buildEnvironment(entity);
  environments.set(entity, environment);
  return environment;
}

function buildEnvironment(entity: Obj): Environment | null {
  const properties = isObj(entity.schema) && isObj(entity.schema.properties) ? entity.schema.properties : undefined;
  if (!properties) return null;
  return declare(new TypeCollector(), { record: properties });
}

/** The CEL type of each kind of declared process variable (JSON numbers are doubles, as record fields are). */
const variableTypes: Record<string, string> = {
  string: 'string', number: 'double', boolean: 'bool', object: 'map<string, dyn>', list: 'list<dyn>',
};

/** What the expressions of one process (or one of its task steps) may read besides the record. */
export interface ProcessScope {
  /** `variables` of the definition: without it `vars` is dyn. */
  variables?: Obj;
  /** Step ids of the whole process: each is `vars.<stepId>` (dyn) when `variables` are declared, as is `vars.outcome`. */
  stepIds: string[];
  /** `schema.properties` of a task's form: `form` is typed from it (else dyn). */
  form?: Obj;
}

/**
 * The typed environment for an expression of a process: `record` / `previous` from the entity (dyn when the entity
 * is unknown or unusable), `vars` with the declared variables and the step outputs, `event` (dyn), `form` and `now`.
 * Null when the types cannot be declared.
 */
export function processEnvironment(entity: unknown, scope: ProcessScope): Environment | null {
  const properties = isObj(entity) && isObj(entity.schema) && isObj(entity.schema.properties) ? entity.schema.properties : undefined;
  let vars: Record<string, string> | undefined;
  if (scope.variables) {
    // `vars.outcome` is the outcome of the latest approval step (as the first interpreter had it).
    vars = { outcome: 'string', ...Object.fromEntries(scope.stepIds.map((id) => [id, 'dyn'])) };
    for (const [name, declaration] of Object.entries(scope.variables)) {
      const type = isObj(declaration) ? variableTypes[String(declaration.type)] : undefined;
      vars[name] = type ?? 'dyn';
    }
  }
  return declare(new TypeCollector(), { record: properties, vars, form: scope.form }, true);
}

interface DeclaredParts {
  record?: Obj;
  vars?: Record<string, string>;
  form?: Obj;
}

/** A CEL environment with the collector's object types registered. */
function environmentOf(collector: TypeCollector): Environment {
  let environment = new Environment({ unlistedVariablesAreDyn: false, enableOptionalTypes: true, limits: celLimits });
  for (const [name, fields] of collector.types) environment = environment.registerType(name, { fields });
  return environment;
}

/** An environment over the collected types; a process's (`process`) also knows `event` and `form`. */
function declare(collector: TypeCollector, parts: DeclaredParts, process = false): Environment | null {
  const recordType = parts.record ? collector.objectType(parts.record, 'record', 1) : 'dyn';
  const formType = parts.form ? collector.objectType(parts.form, 'process.form', 1) : 'dyn';
  if (parts.vars) collector.types.set('process.vars', parts.vars);
  try {
    const environment = environmentOf(collector)
      .registerVariable('record', recordType)
      .registerVariable('previous', recordType)
      .registerVariable('requester', 'dyn')
      .registerVariable('actor', 'dyn')
      .registerVariable('now', 'string')
      .registerVariable('vars', parts.vars ? 'process.vars' : 'dyn');
    return process ? environment.registerVariable('event', 'dyn').registerVariable('form', formType) : environment;
  } catch {
    return null;
  }
}

/**
 * The typed environment of an entity's rules: `record` and `previous` from the entity, `actor`, `now`,
 * `aggregates` (the rule's sums, doubles by name), and one variable per exposed reference field (rule-scope.ts), typed
 * from the referenced entity's definition (dyn when that is unusable). Null when the types cannot be declared.
 */
export function ruleEnvironment(entity: unknown, references: Record<string, unknown>): Environment | null {
  const properties = isObj(entity) && isObj(entity.schema) && isObj(entity.schema.properties) ? entity.schema.properties : undefined;
  if (!properties) return null;
  const collector = new TypeCollector();
  const recordType = collector.objectType(properties, 'record', 1);
  const referenceTypes = Object.entries(references).map(([name, definition]) => {
    const fields = isObj(definition) && isObj(definition.schema) && isObj(definition.schema.properties) ? definition.schema.properties : undefined;
    return [name, fields ? collector.objectType(fields, `ref.${name}`, 1) : 'dyn'] as const;
  });
  try {
    let environment = environmentOf(collector)
      .registerVariable('record', recordType)
      .registerVariable('previous', recordType)
      .registerVariable('actor', 'dyn')
      .registerVariable('now', 'string')
      .registerVariable('aggregates', 'map<string, double>');
    for (const [name, type] of referenceTypes) environment = environment.registerVariable(name, type);
    return environment;
  } catch {
    return null;
  }
}
