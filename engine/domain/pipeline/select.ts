import { evaluateCondition } from '../cel.js';
import type { Bundle, Pipeline, PipelineStage } from '../config/types.js';

/** A pipeline with its configuration name. */
export interface NamedPipeline {
  name: string;
  pipeline: Pipeline;
}

/** The pipelines of an entity: those with an `appliesWhen` rule first, then the rest, each group by name. */
export function pipelinesOf(bundle: Pick<Bundle, 'pipelines'>, entity: string): NamedPipeline[] {
  return Object.entries(bundle.pipelines ?? {})
    .filter(([, p]) => p.entity === entity)
    .map(([name, pipeline]) => ({ name, pipeline }))
    .sort((a, b) => Number(!a.pipeline.appliesWhen) - Number(!b.pipeline.appliesWhen) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Whether a rule holds; a rule that cannot be evaluated on this record (missing field, wrong type) does not. */
function holds(expression: string, record: Record<string, unknown>): boolean {
  try {
    return evaluateCondition(expression, { record });
  } catch {
    return false;
  }
}

/**
 * The pipeline a record follows. A record keeps the pipeline it is in (`current`, from its stage history) as long as
 * that pipeline still exists; otherwise the first pipeline whose `appliesWhen` holds, else the first one without a
 * rule. Null when the entity has no pipeline that applies.
 */
export function selectPipeline(bundle: Pick<Bundle, 'pipelines'>, entity: string, record: Record<string, unknown>,
  current?: string | null): NamedPipeline | null {
  const candidates = pipelinesOf(bundle, entity);
  const kept = current ? candidates.find((c) => c.name === current) : undefined;
  if (kept) return kept;
  return candidates.find((c) => !c.pipeline.appliesWhen || holds(c.pipeline.appliesWhen, record)) ?? null;
}

export function stageOf(pipeline: Pipeline, id: unknown): PipelineStage | undefined {
  return typeof id === 'string' ? pipeline.stages.find((s) => s.id === id) : undefined;
}

export function isClosed(stage: PipelineStage | undefined): boolean {
  return stage?.category === 'won' || stage?.category === 'lost';
}

/** The stage value stored in the record's stage field, or null when the field is empty. */
export function stageValue(pipeline: Pipeline, data: Record<string, unknown>): string | null {
  const value = data[pipeline.field];
  return typeof value === 'string' && value !== '' ? value : null;
}
