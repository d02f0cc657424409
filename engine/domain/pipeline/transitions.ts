import type { Pipeline, PipelineStage } from '../config/types.js';
import { isClosed, stageOf } from './select.js';

/** Why a move from one stage to another is not allowed, or null when it is. */
export interface TransitionProblem {
  rule: 'unknown-stage' | 'closed' | 'next' | 'back' | 'skip';
  message: string;
}

/**
 * The transition rules of a pipeline (defaults: back true, skip false, reopen false):
 * - a won or lost stage is left only with `transitions.reopen`;
 * - a stage with `next` allows exactly those stages, plus any won or lost stage;
 * - otherwise a won or lost stage is reachable from every open stage; among open stages (in list order) moving back
 *   needs `back`, jumping over one or more open stages needs `skip`.
 * A record without a stage (`from` null, e.g. on create) enters as if it moved from the first stage.
 */
export function transitionProblem(pipeline: Pipeline, from: string | null, to: string): TransitionProblem | null {
  const target = stageOf(pipeline, to);
  if (!target) return { rule: 'unknown-stage', message: `"${to}" is not a stage of this pipeline` };
  const origin = from === null ? pipeline.stages[0] : stageOf(pipeline, from);
  // A stored value the pipeline no longer knows (a stage removed from the configuration) may move anywhere.
  if (!origin || origin.id === to) return null;
  const rules = { back: true, skip: false, reopen: false, ...pipeline.transitions };
  if (isClosed(origin)) {
    return rules.reopen ? null : { rule: 'closed', message: `"${origin.id}" is a closed stage: deals are not reopened in this pipeline` };
  }
  if (isClosed(target)) return null;
  if (origin.next) {
    return origin.next.includes(to) ? null : { rule: 'next', message: `from "${origin.id}" a deal moves only to ${origin.next.map((n) => `"${n}"`).join(', ')}` };
  }
  const open = pipeline.stages.filter((s: PipelineStage) => !isClosed(s)).map((s) => s.id);
  const distance = open.indexOf(to) - open.indexOf(origin.id);
  if (distance < 0 && !rules.back) return { rule: 'back', message: `this pipeline does not move deals back from "${origin.id}" to "${to}"` };
  if (distance > 1 && !rules.skip) {
    const skipped = open.slice(open.indexOf(origin.id) + 1, open.indexOf(to));
    return { rule: 'skip', message: `moving from "${origin.id}" to "${to}" would skip ${skipped.map((s) => `"${s}"`).join(', ')}` };
  }
  return null;
}
