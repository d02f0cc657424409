/**
 * Redaction of hidden fields out of free-form payloads (process variables and timelines, notification texts, webhook
 * payloads), where a hidden value may travel under another name than its field's.
 */

/** Hidden string values shorter than this are not searched for in text: they would blank common words. */
export const MIN_SECRET_LENGTH = 4;

/** What must not leave: the hidden field names (dropped as keys) and the values they hold or held (scrubbed from strings). */
export interface Secrets {
  fields: readonly string[];
  values: readonly string[];
}

export const noSecrets: Secrets = { fields: [], values: [] };

export const hasSecrets = (secrets: Secrets) => secrets.fields.length > 0 || secrets.values.length > 0;

function collectStrings(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    if (value.length >= MIN_SECRET_LENGTH) into.add(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectStrings(item, into);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) collectStrings(item, into);
  }
}

/**
 * The secrets of one record for a reader who may not see `hidden`: the field names, and every string (also nested)
 * those fields hold in any of the given snapshots (the current data, earlier versions from the history).
 */
export function secretsOf(hidden: readonly string[], snapshots: readonly Record<string, unknown>[]): Secrets {
  if (!hidden.length) return noSecrets;
  const values = new Set<string>();
  for (const data of snapshots) for (const field of hidden) if (Object.hasOwn(data, field)) collectStrings(data[field], values);
  // longest first, so that a value containing another is removed whole
  return { fields: [...hidden], values: [...values].sort((a, b) => b.length - a.length || (a < b ? -1 : 1)) };
}

/** The text with every occurrence of a secret value removed (rendered as empty). */
export function scrubText(text: string, secrets: Secrets): string {
  let result = text;
  for (const value of secrets.values) if (result.includes(value)) result = result.split(value).join('');
  return result;
}

/**
 * A copy of a JSON value without the secrets: object keys named like a hidden field are dropped at any depth and
 * strings lose every hidden value they contain. Numbers and booleans are only removed under a hidden field's name.
 */
export function redactDeep<T>(value: T, secrets: Secrets): T {
  if (!hasSecrets(secrets)) return value;
  return walk(value, secrets) as T;
}

function walk(value: unknown, secrets: Secrets): unknown {
  if (typeof value === 'string') return scrubText(value, secrets);
  if (Array.isArray(value)) return value.map((item) => walk(item, secrets));
  if (!value || typeof value !== 'object' || value instanceof Date) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (secrets.fields.includes(key)) continue;
    copy[scrubText(key, secrets)] = walk(item, secrets);
  }
  return copy;
}

/** Only the strings are scrubbed; every key stays (for shapes whose keys a schema requires). */
export function scrubDeep<T>(value: T, secrets: Secrets): T {
  return redactDeep(value, { fields: [], values: secrets.values });
}
