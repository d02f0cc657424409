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

/** A letter, then letters, digits, `_` or `-`: the meta-schemas' `Name` (common.schema.json). */
export const itemNamePattern = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/**
 * What a new item starts from: the smallest definition of its kind that passes the meta-schema, about `entity` (the
 * first entity of the bundle) so Validate then names what the admin still has to fill in.
 */
export function skeletonOf(kind: EditableKind, entity: string): Record<string, unknown> {
  const label = { en: 'New', zh: '新建' };
  switch (kind) {
    case 'entities':
      return {
        label, titleField: 'name',
        schema: { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 200, title: 'Name', 'x-label': { en: 'Name', zh: '名称' } } } },
      };
    case 'approvalChains':
      return { entity, steps: [{ id: 'manager', name: { en: 'Manager', zh: '经理' }, approvers: { managerOf: 'requester' }, mode: 'any' }] };
    case 'processes':
      return {
        entity, label, trigger: { on: 'manual' },
        steps: [{ id: 'review', type: 'task', title: { en: 'Review', zh: '审核' }, candidates: { role: 'admin' } }, { id: 'done', type: 'end' }],
      };
    case 'pipelines':
      return {
        entity, label, field: 'stage',
        stages: [
          { id: 'open', label: { en: 'Open', zh: '进行中' }, probability: 10, category: 'open' },
          { id: 'won', label: { en: 'Won', zh: '赢单' }, probability: 100, category: 'won' },
          { id: 'lost', label: { en: 'Lost', zh: '输单' }, probability: 0, category: 'lost' },
        ],
      };
  }
}
