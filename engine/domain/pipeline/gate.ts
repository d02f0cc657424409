import { evaluateCondition } from '../cel.js';
import type { Pipeline, PipelineStage } from '../config/types.js';
import { joinPointer, type ErrorDetail } from '../errors.js';
import { stageOf } from './select.js';

/** A requirement counts as met when the field holds something: not absent, null, blank text or an empty list. */
export function isFilled(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

export interface GateInput {
  pipelineName: string;
  pipeline: Pipeline;
  /** The target stage id (must be a stage of the pipeline). */
  to: string;
  /** The record data as it would be after the move. */
  record: Record<string, unknown>;
  /** CEL `actor` and `now` of `when` conditions. */
  actor?: string;
  now?: string;
}

/** The fields a won or lost stage requires by category: `pipeline.reasons`. */
function reasonField(pipeline: Pipeline, stage: PipelineStage): string | undefined {
  if (stage.category === 'won') return pipeline.reasons?.won;
  if (stage.category === 'lost') return pipeline.reasons?.lost;
  return undefined;
}

/** The fields a stage requires: its `requires`, then the reason field of its category; each once, in that order. */
export function requiredFields(pipeline: Pipeline, stage: PipelineStage): string[] {
  const reason = reasonField(pipeline, stage);
  return [...new Set([...(stage.requires ?? []), ...(reason ? [reason] : [])])];
}

/**
 * Every unmet requirement of entering `to`, all at once: each missing required field at `/<field>` (code
 * REQUIRED_FIELD), then the stage's `when` condition at its configuration path (code CONDITION_FAILED) when it is
 * false or cannot be evaluated on this record. Empty when the gate lets the record in.
 */
export function gateProblems(input: GateInput): ErrorDetail[] {
  const { pipeline, to, record } = input;
  const index = pipeline.stages.findIndex((s) => s.id === to);
  const stage = stageOf(pipeline, to);
  if (!stage) return [];
  const label = stage.label?.en ?? stage.id;
  const problems: ErrorDetail[] = requiredFields(pipeline, stage)
    .filter((field) => !isFilled(record[field]))
    .map((field) => ({ path: joinPointer('', field), message: `${field} is required to enter stage "${label}"`, code: 'REQUIRED_FIELD' }));
  if (stage.when) {
    const path = joinPointer('/pipelines', input.pipelineName, 'stages', index, 'when');
    let met = false;
    let why = '';
    try {
      met = evaluateCondition(stage.when, { record, actor: input.actor, now: input.now });
    } catch (error) {
      why = ` (${(error as Error).message.split('\n')[0]})`;
    }
    if (!met) problems.push({ path, message: `stage "${label}" requires ${stage.when}${why}`, code: 'CONDITION_FAILED' });
  }
  return problems;
}
