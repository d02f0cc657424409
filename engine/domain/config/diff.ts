import { joinPointer } from '../errors.js';

/** A kind of named configuration item; `bundle` covers top-level settings such as `locales` and `schemaVersion`. */
export type ConfigItemKind = 'entity' | 'approvalChain' | 'process' | 'decisionTable' | 'scorecard' | 'picklist' | 'role' | 'pipeline' | 'bundle';

export interface ConfigChange {
  kind: ConfigItemKind;
  name: string;
  change: 'added' | 'removed' | 'modified';
  /** JSON pointers into the item that differ; `['']` (the whole item) when it was added or removed. */
  paths: string[];
}

/** Bundle key -> item kind, in the order changes are listed. */
export const itemKinds: ReadonlyArray<readonly [string, ConfigItemKind]> = [
  ['entities', 'entity'],
  ['picklists', 'picklist'],
  ['pipelines', 'pipeline'],
  ['approvalChains', 'approvalChain'],
  ['processes', 'process'],
  ['decisionTables', 'decisionTable'],
  ['scorecards', 'scorecard'],
  ['roles', 'role'],
];

/** Keys that describe a published version rather than its content (added by GET /api/config). */
const versionKeys = new Set(['version', 'hash', 'author', 'createdAt']);

type Json = Record<string, unknown>;

/** What changed from bundle `a` to bundle `b`, item by item, ordered by kind then name. */
export function diffBundles(a: Json, b: Json): ConfigChange[] {
  const changes: ConfigChange[] = [];
  const kindKeys = new Set(itemKinds.map(([key]) => key));
  for (const [key, kind] of itemKinds) changes.push(...diffItems(kind, asMap(a[key]), asMap(b[key])));
  const settings = (bundle: Json) =>
    Object.fromEntries(Object.entries(bundle).filter(([key]) => !kindKeys.has(key) && !versionKeys.has(key)));
  changes.push(...diffItems('bundle', settings(a), settings(b)));
  return changes;
}

function diffItems(kind: ConfigItemKind, before: Json, after: Json): ConfigChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: ConfigChange[] = [];
  for (const name of names) {
    const inBefore = Object.hasOwn(before, name) && before[name] !== undefined;
    const inAfter = Object.hasOwn(after, name) && after[name] !== undefined;
    if (!inBefore) changes.push({ kind, name, change: 'added', paths: [''] });
    else if (!inAfter) changes.push({ kind, name, change: 'removed', paths: [''] });
    else {
      const paths = diffPointers(before[name], after[name]);
      if (paths.length) changes.push({ kind, name, change: 'modified', paths });
    }
  }
  return changes;
}

/**
 * The JSON pointers at which two JSON values differ: the deepest place where they part (an added or removed key, a
 * changed scalar, a value whose JSON type changed). Arrays compare by index. Object key order does not matter.
 */
export function diffPointers(a: unknown, b: unknown, base = ''): string[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    const paths: string[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= a.length || i >= b.length) paths.push(joinPointer(base, i));
      else paths.push(...diffPointers(a[i], b[i], joinPointer(base, i)));
    }
    return paths;
  }
  if (isObject(a) && isObject(b)) {
    const paths: string[] = [];
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) {
      const inA = Object.hasOwn(a, key) && a[key] !== undefined;
      const inB = Object.hasOwn(b, key) && b[key] !== undefined;
      if (inA !== inB) paths.push(joinPointer(base, key));
      else if (inA) paths.push(...diffPointers(a[key], b[key], joinPointer(base, key)));
    }
    return paths;
  }
  return a === b ? [] : [base];
}

function isObject(value: unknown): value is Json {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function asMap(value: unknown): Json {
  return isObject(value) ? value : {};
}
