// Pure module (no React): imported with .js extensions by test/unit under NodeNext.
import { locatePointer, pointerSegments } from './json-locate.js';

/** The configuration kinds the admin editors open: their bundle key and the meta-schema (by `$id`) of one item. */
export const editableKinds = {
  entities: { schema: 'entity.schema.json', diagram: null },
  approvalChains: { schema: 'approval-chain.schema.json', diagram: 'chain' },
  processes: { schema: 'process.schema.json', diagram: 'process' },
  pipelines: { schema: 'bundle.schema.json#/$defs/Pipeline', diagram: 'pipeline' },
} as const;

export type EditableKind = keyof typeof editableKinds;
export const isEditableKind = (kind: string): kind is EditableKind => Object.hasOwn(editableKinds, kind);

export interface ConfigIssue { code?: string; path: string; message: string }

/** An issue of the whole bundle placed at its item and at its line in that item's JSON text (when it is open). */
export interface PlacedIssue extends ConfigIssue { kind?: string; name?: string; pointer: string; line?: number }

/**
 * Splits a bundle-level JSON pointer (`/approvalChains/quote-discount/steps/0/when`) into its item and the pointer
 * inside the item, and finds the line in the item's text (`textOf('kind/name')`; an item without a text gets no line).
 */
export function placeIssue(issue: ConfigIssue, textOf: (key: string) => string | undefined): PlacedIssue {
  const [kind, name, ...rest] = pointerSegments(issue.path);
  if (!kind || !name || !isEditableKind(kind)) return { ...issue, pointer: issue.path };
  const pointer = rest.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  const text = textOf(`${kind}/${name}`);
  const spot = text === undefined ? null : locatePointer(text, pointer);
  return { ...issue, kind, name, pointer, line: spot?.line };
}

/** The bundle with the edited items (parsed texts by `kind/name`) in place of the published ones. */
export function draftBundle(published: Record<string, unknown>, drafts: Record<string, unknown>): Record<string, unknown> {
  const { version: _version, hash: _hash, ...bundle } = published;
  const out: Record<string, unknown> = { ...bundle };
  for (const [key, value] of Object.entries(drafts)) {
    const [kind, name] = key.split('/');
    out[kind] = { ...(out[kind] as Record<string, unknown> | undefined), [name]: value };
  }
  return out;
}
