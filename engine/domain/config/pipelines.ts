import { joinPointer } from '../errors.js';
import { checkCelAt, checkChainRef, checkField, checkRole, entityOf, report, type BundleContext } from './context.js';
import { entriesOf, isObj, itemsOf } from './json-reading.js';
import { checkPipelineRuntime } from './pipeline-checks.js';

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
    checkStageReachability(ctx, name, stages);
    checkPipelineRuntime(ctx, pipeline, path, entity);
    if (isObj(pipeline.stale)) {
      const stale = pipeline.stale;
      const at = joinPointer(path, 'stale');
      checkField(ctx, entity, stale.remind, joinPointer(at, 'remind'), metadataUserFields);
      if (isObj(stale.escalate)) checkRole(ctx, stale.escalate.to, joinPointer(at, 'escalate', 'to'));
    }
  }
}

const closingCategories = new Set(['won', 'lost']);

/**
 * With `next` lists, every stage must be reachable from the first (UNREACHABLE_STAGE). A stage without `next` leads
 * to the one listed after it; a won or lost stage can be reached from every open stage, as a deal can close at any
 * time. Without any `next`, stages are linear and all reachable.
 */
function checkStageReachability(ctx: BundleContext, name: string, stages: unknown[]): void {
  const valid = stages.filter((s): s is Record<string, unknown> & { id: string } => isObj(s) && typeof s.id === 'string');
  if (valid.length !== stages.length || !valid.some((s) => Array.isArray(s.next)) || !valid.length) return;
  const closing = valid.filter((s) => closingCategories.has(String(s.category))).map((s) => s.id);
  const successors = (i: number): string[] => {
    const stage = valid[i];
    const next = Array.isArray(stage.next) ? stage.next.filter((x): x is string => typeof x === 'string') : [];
    const following = !Array.isArray(stage.next) && !closing.includes(stage.id) && valid[i + 1] ? [valid[i + 1].id] : [];
    return [...next, ...following, ...(closing.includes(stage.id) ? [] : closing)];
  };
  const reached = new Set([valid[0].id]);
  const queue = [0];
  while (queue.length) {
    for (const id of successors(queue.shift()!)) {
      if (reached.has(id)) continue;
      reached.add(id);
      const index = valid.findIndex((s) => s.id === id);
      if (index >= 0) queue.push(index);
    }
  }
  valid.forEach((stage, i) => {
    if (!reached.has(stage.id)) {
      report(ctx, 'UNREACHABLE_STAGE', joinPointer('/pipelines', name, 'stages', i, 'id'), `no path from stage "${valid[0].id}" reaches stage "${stage.id}"`);
    }
  });
}
