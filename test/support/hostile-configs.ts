/** Hostile configuration bundles, each with the one code it must be refused with (the unit test and the bench). */

/** A valid bundle with one entity whose data schema properties are `properties`. */
export function bundleWith(properties: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemaVersion: 1,
    entities: {
      quote: { label: { en: 'Quote' }, titleField: 'name', schema: { type: 'object', properties: { name: { type: 'string' }, ...properties } } },
    },
    approvalChains: {},
    processes: {},
    ...extra,
  };
}

function nestedArrays(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

export function nestedObjects(depth: number): Record<string, unknown> {
  let node: Record<string, unknown> = { type: 'string' };
  for (let i = 0; i < depth; i++) node = { type: 'object', properties: { n: node } };
  return node;
}

const evil = 'a'.repeat(40) + '!';

/** Hostile inputs, each with the one code it must be rejected with. */
export const hostile: [string, () => unknown, string][] = [
  ['JSON nested 100 000 levels deep', () => bundleWith({ x: { type: 'array', default: nestedArrays(100_000) } }), 'SCHEMA_TOO_DEEP'],
  ['an entity schema nested 30 levels deep', () => bundleWith({ deep: nestedObjects(30) }), 'SCHEMA_TOO_DEEP'],
  ['a bundle of 3 MB', () => bundleWith({ big: { type: 'string', description: 'x'.repeat(3 * 1024 * 1024) } }), 'SCHEMA_TOO_LARGE'],
  [
    '100 000 properties',
    () => bundleWith(Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`f${i}`, { type: 'string' }]))),
    'SCHEMA_TOO_LARGE',
  ],
  [
    '100 000 $defs',
    () => bundleWith({ x: { $defs: Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`d${i}`, { type: 'string' }])) } }),
    'SCHEMA_TOO_LARGE',
  ],
  [
    '5 000 entities',
    () => ({
      ...bundleWith({}),
      entities: Object.fromEntries(
        Array.from({ length: 5000 }, (_, i) => [`e${i}`, { label: { en: 'E' }, titleField: 'n', schema: { type: 'object', properties: { n: { type: 'string' } } } }]),
      ),
    }),
    'SCHEMA_TOO_LARGE',
  ],
  ['pattern (a+)+$', () => bundleWith({ code: { type: 'string', pattern: '^(a+)+$', default: evil } }), 'UNSAFE_PATTERN'],
  ['pattern (a|a)*', () => bundleWith({ code: { type: 'string', pattern: '^(a|a)*$' } }), 'UNSAFE_PATTERN'],
  ['pattern (.*a){20}', () => bundleWith({ code: { type: 'string', pattern: '^(.*a){20}$' } }), 'UNSAFE_PATTERN'],
  ['a backreference', () => bundleWith({ code: { type: 'string', pattern: '^(a)\\1$' } }), 'UNSAFE_PATTERN'],
  ['a pattern of 100 000 characters', () => bundleWith({ code: { type: 'string', pattern: 'a'.repeat(100_000) } }), 'UNSAFE_PATTERN'],
  ['a remote $ref', () => bundleWith({ c: { $ref: 'https://example.com/evil.json' } }), 'REMOTE_REF_FORBIDDEN'],
  ['a relative $ref', () => bundleWith({ c: { $ref: 'other.json#/x' } }), 'REMOTE_REF_FORBIDDEN'],
  ['$data', () => bundleWith({ n: { type: 'number', maximum: { $data: '1/m' } } }), 'UNSUPPORTED_KEYWORD'],
  ['$dynamicRef', () => bundleWith({ n: { $dynamicRef: '#meta' } }), 'UNSUPPORTED_KEYWORD'],
  ['an unknown keyword', () => bundleWith({ n: { type: 'string', maxlength: 3 } }), 'UNSUPPORTED_KEYWORD'],
];
