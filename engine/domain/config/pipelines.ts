import { joinPointer } from '../errors.js';
import { checkCelAt, checkChainRef, checkField, checkRole, entityOf, report, type BundleContext } from './context.js';
import { entriesOf, isObj, itemsOf } from './json-reading.js';

/** Record metadata a stale reminder may address besides the entity's own fields. */
const metadataUserFields = new Set(['createdBy', 'updatedBy']);

/** Picklists: each value appears once. */
export function checkPicklists(ctx: BundleContext): void {
  for (const [name, picklist] of entriesOf(ctx.bundle.picklists)) {
    if (!isObj(picklist)) continue;
    const seen = new Set<string>();
    itemsOf(picklist.values).forEach((entry, i) => {
      if (!isObj(entry) || typeof entry.value !== 'string') return;
      if (seen.has(entry.value)) {
        const path = joinPointer('/picklists', name, 'values', i, 'value');
        report(ctx, 'DUPLICATE_VALUE', path, `value "${entry.value}" is listed more than once`);
      }
      seen.add(entry.value);
    });
  }
}

/**
 * Pipelines: the entity and its stage field exist, stage ids are unique, `requires` names fields, `approval` names a
 * chain of the same entity, `next` names stages of this pipeline, `when` is a boolean CEL condition.
 */
export function checkPipelines(ctx: BundleContext): void {
  for (const [name, pipeline] of entriesOf(ctx.bundle.pipelines)) {
    if (!isObj(pipeline)) continue;
    const path = joinPointer('/pipelines', name);
    const entity = entityOf(ctx, pipeline, path);
    checkField(ctx, entity, pipeline.field, joinPointer(path, 'field'));
    const stages = itemsOf(pipeline.stages);
    const ids = new Set<string>();
    stages.forEach((stage, i) => {
      if (!isObj(stage) || typeof stage.id !== 'string') return;
      if (ids.has(stage.id)) {
        const message = `stage id "${stage.id}" is used more than once`;
        report(ctx, 'DUPLICATE_STAGE_ID', joinPointer(path, 'stages', i, 'id'), message);
      }
      ids.add(stage.id);
    });
    stages.forEach((stage, i) => {
      if (!isObj(stage)) return;
      const at = joinPointer(path, 'stages', i);
      itemsOf(stage.requires).forEach((f, j) => checkField(ctx, entity, f, joinPointer(at, 'requires', j)));
      checkChainRef(ctx, stage.approval, joinPointer(at, 'approval'), pipeline.entity);
      checkCelAt(ctx, stage.when, joinPointer(at, 'when'), entity, 'bool');
      itemsOf(stage.next).forEach((id, j) => {
        if (typeof id === 'string' && !ids.has(id)) {
          report(ctx, 'UNKNOWN_STAGE', joinPointer(at, 'next', j), `pipeline "${name}" has no stage "${id}"`);
        }
      });
    });
    if (isObj(pipeline.stale)) {
      const stale = pipeline.stale;
      const at = joinPointer(path, 'stale');
      checkField(ctx, entity, stale.remind, joinPointer(at, 'remind'), metadataUserFields);
      if (isObj(stale.escalate)) checkRole(ctx, stale.escalate.to, joinPointer(at, 'escalate', 'to'));
    }
  }
}
