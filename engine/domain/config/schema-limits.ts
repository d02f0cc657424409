import { joinPointer } from '../errors.js';
import type { ConfigError } from './codes.js';
import { isObj } from './json-reading.js';
import { patternProblem } from './pattern-safety.js';

/**
 * Limits that keep hostile configuration cheap to reject: every check here is a single linear walk, and the costly
 * steps (meta-schema validation, ajv compilation, CEL environments) never see input that fails them.
 */
export const configLimits = {
  maxBundleBytes: 2 * 1024 * 1024,
  /** JSON nesting of the whole bundle; a 16-level entity schema needs about 40. */
  maxJsonDepth: 64,
  maxEntities: 200,
  /** Task steps with a form, over all processes: each form schema is compiled like an entity schema. */
  maxTaskForms: 200,
  /** Properties of one entity, counted over every nesting level. */
  maxPropertiesPerEntity: 500,
  /** Subschemas of one entity schema, nested: the root schema is level 1, `properties/x` level 2, `.../items` level 3. */
  maxSchemaDepth: 16,
  /** Subschemas of one entity schema in total ($defs included). */
  maxSubschemas: 2000,
} as const;

/** Bundle-wide limits; when one is exceeded nothing else is worth checking. */
export function checkBundleLimits(bundle: unknown): ConfigError[] {
  const shape = measure(bundle);
  if (shape.tooDeep) {
    const message = `the configuration is nested more than ${configLimits.maxJsonDepth} levels deep`;
    return [{ code: 'SCHEMA_TOO_DEEP', path: deepPath(bundle), message }];
  }
  // The measured text is a lower bound of the serialized size: only near the limit is it worth serializing.
  const bytes = shape.textBytes > configLimits.maxBundleBytes ? shape.textBytes : utf8Length(JSON.stringify(bundle) ?? '');
  if (bytes > configLimits.maxBundleBytes) {
    const message = `the configuration is over ${configLimits.maxBundleBytes} bytes serialized (at least ${bytes})`;
    return [{ code: 'SCHEMA_TOO_LARGE', path: '', message }];
  }
  const entities = isObj(bundle) && isObj(bundle.entities) ? Object.keys(bundle.entities).length : 0;
  if (entities > configLimits.maxEntities) {
    const message = `${entities} entities are defined; at most ${configLimits.maxEntities} are allowed`;
    return [{ code: 'SCHEMA_TOO_LARGE', path: '/entities', message }];
  }
  const forms = isObj(bundle) && isObj(bundle.processes) ? countTaskForms(Object.values(bundle.processes)) : 0;
  if (forms > configLimits.maxTaskForms) {
    const message = `the processes have ${forms} task forms; at most ${configLimits.maxTaskForms} are allowed`;
    return [{ code: 'SCHEMA_TOO_LARGE', path: '/processes', message }];
  }
  return [];
}

/** Task steps with a form at any nesting depth (loops, parallel branches); linear, no recursion. */
function countTaskForms(processes: unknown[]): number {
  const steps: unknown[] = processes.flatMap((p) => (isObj(p) && Array.isArray(p.steps) ? p.steps : []));
  let forms = 0;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (!isObj(step)) continue;
    if (step.type === 'task' && isObj(step.form)) forms += 1;
    // One push per item: spreading a hostile list of 300 000 items into push() would overflow the call stack.
    const blocks = [step.steps, ...(Array.isArray(step.branches) ? step.branches : [])];
    for (const block of blocks) if (Array.isArray(block)) for (const inner of block) steps.push(inner);
  }
  return forms;
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/**
 * One lean pass (no recursion, no paths): whether anything is nested too deep, and the characters of keys and
 * strings (a lower bound of the serialized size). Stops as soon as either limit is passed.
 */
function measure(root: unknown): { tooDeep: boolean; textBytes: number } {
  const values: unknown[] = [root];
  const depths: number[] = [0];
  let textBytes = 0;
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop() as number;
    if (typeof value === 'string') textBytes += value.length + 2;
    if (!value || typeof value !== 'object') continue;
    if (depth >= configLimits.maxJsonDepth) return { tooDeep: true, textBytes };
    if (textBytes > configLimits.maxBundleBytes) return { tooDeep: false, textBytes };
    if (Array.isArray(value)) {
      for (const item of value) {
        values.push(item);
        depths.push(depth + 1);
      }
    } else {
      for (const key in value) {
        textBytes += key.length + 3;
        values.push((value as Record<string, unknown>)[key]);
        depths.push(depth + 1);
      }
    }
  }
  return { tooDeep: false, textBytes };
}

/** The pointer of the first value at the depth limit, depth first (only called when there is one). */
function deepPath(root: unknown): string {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    if (!value || typeof value !== 'object') continue;
    if (depth >= configLimits.maxJsonDepth) return path;
    const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i];
      if (child && typeof child === 'object') stack.push({ value: child, path: joinPointer(path, key), depth: depth + 1 });
    }
  }
  return '';
}

/** Keywords whose value is a map of name -> subschema. */
const schemaMaps = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);
/** Keywords whose value is one subschema. */
const schemaSingles = new Set([
  'additionalProperties', 'items', 'contains', 'not', 'if', 'then', 'else', 'propertyNames',
  'unevaluatedItems', 'unevaluatedProperties',
]);
/** Keywords whose value is a list of subschemas. */
const schemaLists = new Set(['prefixItems', 'allOf', 'anyOf', 'oneOf']);
/** Keywords whose value is data or a number/string/list of names, never a subschema. */
const valueKeywords = new Set([
  '$schema', '$ref', '$comment', 'title', 'description', 'default', 'examples', 'readOnly', 'writeOnly',
  'deprecated', 'type', 'enum', 'const', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum',
  'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxContains', 'minContains',
  'maxProperties', 'minProperties', 'required', 'dependentRequired', 'format', 'contentEncoding', 'contentMediaType',
]);

/**
 * Structural safety of one entity data schema: nesting depth, property count, unsafe patterns, remote `$ref`,
 * `$data` / `$dynamicRef` and keywords outside the supported vocabulary (annotations starting with `x-` are fine).
 */
export function checkSchemaSafety(schema: unknown, path: string): ConfigError[] {
  const errors: ConfigError[] = [];
  let properties = 0;
  let subschemas = 0;
  const queue: [unknown, string, number][] = [[schema, path, 1]];
  let deepReported = false;
  // Breadth first with an index (not shift()): a hostile map of 100 000 $defs must stay linear.
  for (let q = 0; q < queue.length; q++) {
    const [node, at, level] = queue[q];
    if (!isObj(node)) continue;
    subschemas += 1;
    if (level > configLimits.maxSchemaDepth) {
      if (!deepReported) {
        const message = `subschemas are nested more than ${configLimits.maxSchemaDepth} levels deep`;
        errors.push({ code: 'SCHEMA_TOO_DEEP', path: at, message });
      }
      deepReported = true;
      continue;
    }
    if (isObj(node.properties)) properties += Object.keys(node.properties).length;
    if (properties > configLimits.maxPropertiesPerEntity || subschemas > configLimits.maxSubschemas) {
      const message = `the schema has more than ${configLimits.maxPropertiesPerEntity} properties or ${configLimits.maxSubschemas} subschemas`;
      return [...errors, { code: 'SCHEMA_TOO_LARGE', path, message }];
    }
    for (const [keyword, value] of Object.entries(node)) {
      const keywordPath = joinPointer(at, keyword);
      if (schemaMaps.has(keyword)) {
        for (const [name, child] of Object.entries(isObj(value) ? value : {})) {
          if (keyword === 'patternProperties') unsafePattern(name, joinPointer(keywordPath, name), errors);
          queue.push([child, joinPointer(keywordPath, name), level + 1]);
        }
      } else if (schemaSingles.has(keyword)) {
        queue.push([value, keywordPath, level + 1]);
      } else if (schemaLists.has(keyword)) {
        if (Array.isArray(value)) value.forEach((child, i) => queue.push([child, joinPointer(keywordPath, i), level + 1]));
      } else if (valueKeywords.has(keyword)) {
        valueKeyword(keyword, value, keywordPath, errors);
      } else if (!keyword.startsWith('x-')) {
        const message = keyword === '$data' || keyword === '$dynamicRef'
          ? `${keyword} is not allowed`
          : `unsupported keyword "${keyword}" (custom annotations must start with "x-")`;
        errors.push({ code: 'UNSUPPORTED_KEYWORD', path: keywordPath, message });
      }
    }
  }
  return errors;
}

function valueKeyword(keyword: string, value: unknown, path: string, errors: ConfigError[]): void {
  if (keyword === '$ref' && typeof value === 'string' && !value.startsWith('#')) {
    errors.push({ code: 'REMOTE_REF_FORBIDDEN', path, message: `remote $ref "${value}" is not allowed; only "#/..." refs are` });
  } else if (keyword === 'pattern' && typeof value === 'string') {
    unsafePattern(value, path, errors);
  } else if (isObj(value) && '$data' in value && !['default', 'const', 'enum', 'examples'].includes(keyword)) {
    errors.push({ code: 'UNSUPPORTED_KEYWORD', path: joinPointer(path, '$data'), message: '$data references are not allowed' });
  }
}

function unsafePattern(pattern: string, path: string, errors: ConfigError[]): void {
  const problem = patternProblem(pattern);
  if (problem !== null) errors.push({ code: 'UNSAFE_PATTERN', path, message: problem });
}
