/**
 * Keys that GET /api/config adds to the bundle it returns (its version number and content hash). They describe a
 * published version rather than configure anything, so a bundle sent back for validate or publish ignores them: an
 * integrator can read, edit and publish the bundle as it is (read-modify-write).
 */
export const readOnlyBundleKeys = ['version', 'hash'] as const;

/** The bundle without its read-only decoration (a new object; the input is not changed). */
export function withoutDecoration(bundle: Record<string, unknown>): Record<string, unknown> {
  const content = { ...bundle };
  for (const key of readOnlyBundleKeys) delete content[key];
  return content;
}
