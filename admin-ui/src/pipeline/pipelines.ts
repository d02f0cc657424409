// Pure module (no React): the stage bar and the kanban read pipelines through these.
import type { Pipeline, PipelineStage } from '../../../schemas/generated/bundle.js';
import { localize, type Locale } from '../i18n/localize.js';
import type { ErrorDetail } from '../api.js';

export type { Pipeline, PipelineStage };

type Schema = Record<string, unknown>;
const isSchema = (value: unknown): value is Schema => !!value && typeof value === 'object' && !Array.isArray(value);

export const stageLabel = (stage: PipelineStage, locale: Locale) => localize(stage.label, locale, stage.id);
export const stageCategory = (stage: PipelineStage) => stage.category ?? 'open';

/** Every pipeline, by name (sorted: the same default everywhere). */
export function allPipelines(pipelines: Record<string, Pipeline> | undefined): [string, Pipeline][] {
  return Object.entries(pipelines ?? {}).sort(([a], [b]) => a.localeCompare(b));
}

/** The pipelines of an entity, by name. */
export function pipelinesOf(pipelines: Record<string, Pipeline> | undefined, entity: string): [string, Pipeline][] {
  return allPipelines(pipelines).filter(([, p]) => p.entity === entity);
}

/** A value the gate counts as filled: not absent, null, blank text or an empty list (docs/pipelines.md). */
export function isFilled(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/** The fields entering `stage` needs: its `requires` and, for a won / lost stage, the pipeline's reason field. */
export function requiredFields(pipeline: Pipeline, stage: PipelineStage): string[] {
  const category = stageCategory(stage);
  const reason = category === 'won' ? pipeline.reasons?.won : category === 'lost' ? pipeline.reasons?.lost : undefined;
  return [...new Set([...(stage.requires ?? []), ...(reason ? [reason] : [])])];
}

export const missingFields = (pipeline: Pipeline, stage: PipelineStage, data: Record<string, unknown>) =>
  requiredFields(pipeline, stage).filter((f) => !isFilled(data[f]));

/** The stage after `current` among the open stages in list order (the Path's "next step"), if any. */
export function nextStage(pipeline: Pipeline, current: string | undefined): PipelineStage | undefined {
  const open = pipeline.stages.filter((s) => stageCategory(s) === 'open');
  const index = open.findIndex((s) => s.id === current);
  return index >= 0 ? open[index + 1] : undefined;
}

/** The entity schema cut down to `fields` (all of them required): the form a gated stage move asks for. */
export function stageFormSchema(entitySchema: unknown, fields: string[]): Schema {
  const properties = isSchema(entitySchema) && isSchema(entitySchema.properties) ? entitySchema.properties : {};
  const picked = Object.fromEntries(fields.filter((f) => isSchema(properties[f])).map((f) => {
    const { readOnly: _readOnly, ...rest } = properties[f] as Schema;
    return [f, rest];
  }));
  return { type: 'object', required: Object.keys(picked), properties: picked };
}

/**
 * A gate's 422 split for display: details at a field (`/field`, or `/data/field` from the move's own data) go to that
 * field; the rest (a failed `when`, at its configuration path) is shown as a message of the move.
 */
export function splitGateErrors(details: ErrorDetail[], fields: string[]): { byField: ErrorDetail[]; other: ErrorDetail[] } {
  const byField: ErrorDetail[] = [];
  const other: ErrorDetail[] = [];
  for (const detail of details) {
    const path = detail.path.startsWith('/data/') ? detail.path.slice('/data'.length) : detail.path;
    const field = path.split('/')[1];
    if (field && (fields.includes(field) || detail.code === 'REQUIRED_FIELD') && !path.startsWith('/pipelines/')) byField.push({ ...detail, path });
    else other.push(detail);
  }
  return { byField, other };
}

/** The field names the gate's details point at. */
export const fieldsOf = (details: ErrorDetail[]) => [...new Set(details.map((d) => d.path.split('/')[1]).filter(Boolean))];
