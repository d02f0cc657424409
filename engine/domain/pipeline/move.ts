import { evaluateCondition } from '../cel.js';
import type { ApprovalChain, Pipeline } from '../config/types.js';
import type { ErrorDetail } from '../errors.js';
import { gateProblems } from './gate.js';
import { stageOf } from './select.js';
import { transitionProblem } from './transitions.js';

export interface StageMoveInput {
  pipelineName: string;
  pipeline: Pipeline;
  /** The stage the record is in, null when it has none yet. */
  from: string | null;
  to: string;
  /** The record data as it would be after the move. */
  record: Record<string, unknown>;
  chains: Record<string, ApprovalChain>;
  /** The move is the outcome of the approval the target stage asks for (its approval process runs it). */
  approved?: boolean;
  actor?: string;
  now?: string;
}

/**
 * The verdict on one stage move:
 * - `refused`: the transition rules forbid it (409 TRANSITION_NOT_ALLOWED), one detail at the stage field;
 * - `gate`: requirements of the target stage are unmet (422 STAGE_GATE_FAILED), every one listed;
 * - `approval`: the gate holds, but the target stage's approval chain must approve first (202 pending);
 * - `allowed`: the record may enter the stage now.
 */
export type StageMoveVerdict =
  | { kind: 'refused'; details: ErrorDetail[] }
  | { kind: 'gate'; details: ErrorDetail[] }
  | { kind: 'approval'; chain: string }
  | { kind: 'allowed' };

/**
 * The one stage gate: transition rules first (a forbidden move is not worth filling fields for), then every unmet
 * requirement, then the approval. A chain whose `entry` does not hold for the record does not apply: the move needs
 * no approval (as a quote under the discount threshold needs none).
 */
export function checkStageMove(input: StageMoveInput): StageMoveVerdict {
  const { pipeline, from, to } = input;
  const fieldPath = `/${pipeline.field}`;
  const transition = transitionProblem(pipeline, from, to);
  if (transition) return { kind: 'refused', details: [{ path: fieldPath, message: transition.message, code: transition.rule }] };
  const details = gateProblems(input);
  if (details.length) return { kind: 'gate', details };
  const stage = stageOf(pipeline, to);
  const chainName = stage?.approval;
  if (!chainName || input.approved) return { kind: 'allowed' };
  const chain = Object.hasOwn(input.chains, chainName) ? input.chains[chainName] : undefined;
  if (chain?.entry && !entryHolds(chain.entry, input.record)) return { kind: 'allowed' };
  return { kind: 'approval', chain: chainName };
}

function entryHolds(expression: string, record: Record<string, unknown>): boolean {
  try {
    return evaluateCondition(expression, { record });
  } catch {
    return true; // when in doubt, ask for the approval
  }
}
