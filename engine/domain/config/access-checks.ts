import { joinPointer } from '../errors.js';
import { hasField, isMalformed, report, type BundleContext } from './context.js';
import { entriesOf, isObj } from './json-reading.js';

const parentKind: Record<string, string | null> = { group: null, region: 'group', branch: 'region' };

/** The org tree: every parent exists and units nest group -> region -> branch (so the tree has no cycles). */
export function checkOrg(ctx: BundleContext): void {
  const org = ctx.bundle.org;
  if (!isObj(org) || !isObj(org.units)) return;
  const units = org.units;
  for (const [name, unit] of entriesOf(units)) {
    const path = joinPointer('/org/units', name);
    if (!isObj(unit) || typeof unit.kind !== 'string' || isMalformed(ctx, path)) continue;
    const expected = parentKind[unit.kind];
    if (unit.parent === undefined) {
      if (expected !== null) report(ctx, 'INVALID_ORG_UNIT', joinPointer(path, 'kind'), `a ${unit.kind} needs a parent ${expected}`);
      continue;
    }
    const parent = Object.hasOwn(units, unit.parent as string) ? units[unit.parent as string] : undefined;
    if (!isObj(parent)) {
      report(ctx, 'UNKNOWN_UNIT', joinPointer(path, 'parent'), `unit "${String(unit.parent)}" is not defined in org.units`);
    } else if (expected === null) {
      report(ctx, 'INVALID_ORG_UNIT', joinPointer(path, 'parent'), 'a group is the top of the tree and has no parent');
    } else if (parent.kind !== expected) {
      report(ctx, 'INVALID_ORG_UNIT', joinPointer(path, 'parent'), `the parent of a ${unit.kind} must be a ${expected}, not a ${String(parent.kind)}`);
    }
  }
}

/** Role permissions name defined entities and their top-level fields. */
export function checkPermissions(ctx: BundleContext): void {
  for (const [role, definition] of entriesOf(ctx.bundle.roles)) {
    if (!isObj(definition) || !isObj(definition.permissions)) continue;
    for (const [entity, permission] of entriesOf(definition.permissions)) {
      const path = joinPointer('/roles', role, 'permissions', entity);
      if (isMalformed(ctx, path) || !isObj(permission)) continue;
      if (entity !== '*' && !ctx.entities.has(entity)) {
        report(ctx, 'UNKNOWN_ENTITY', path, `entity "${entity}" is not defined`);
        continue;
      }
      const info = entity === '*' ? null : ctx.entities.get(entity);
      for (const [field] of entriesOf(permission.fields)) {
        const known = entity === '*'
          ? [...ctx.entities.values()].some((e) => e && hasField(e, field))
          : !info || hasField(info, field);
        if (!known) report(ctx, 'UNKNOWN_FIELD', joinPointer(path, 'fields', field), `field "${field}" is not in ${entity === '*' ? 'any entity' : `entity "${entity}"`}`);
      }
    }
  }
}
