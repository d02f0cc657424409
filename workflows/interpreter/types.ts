import type { ApprovalChain } from '../../engine/domain/config/types.js';
import type { Calendar } from '../../engine/domain/calendar/index.js';
import type { DecisionTable, ProcessDefinitionV2, ProcessStepV2, Scorecard } from '../../engine/domain/config/process-types.js';
import type { TimelineEntry } from '../messages.js';

export interface ProcessInput {
  processId: string;
  process: string;
  definition: ProcessDefinitionV2;
  /** The chains, calendars and decision tables the definition names, from the run's configuration version. */
  chains: Record<string, ApprovalChain>;
  calendars?: Record<string, Calendar>;
  decisionTables?: Record<string, DecisionTable>;
  /** The named scorecards its score steps use (absent in runs from before scorecards were a kind). */
  scorecards?: Record<string, Scorecard>;
  configVersion: number;
  entity: string;
  recordId: string;
  requester: string;
  /** The run that started this one (subprocess, startProcess). */
  parentId?: string;
  /** Continue as new once history has this many events, even before Temporal suggests it. */
  historyLimit?: number;
  /** The state a previous run handed over through continue-as-new. */
  carried?: CarriedState;
}

/** What continue-as-new carries: the run resumes at `at` (a top-level step) with its variables and counters. */
export interface CarriedState {
  at: string;
  /** When `at` is a loop: the pass to run next. */
  loopPass?: number;
  vars: Record<string, unknown>;
  visits: Record<string, number>;
  timeline: TimelineEntry[];
  deadlines: Record<string, string>;
  lastOutcome?: string;
  generation: number;
}

export interface ProcessResult {
  outcome: string;
  timeline: TimelineEntry[];
}

/** What a step tells the block it runs in: jump to a step of the block, or end the whole process. */
export interface StepResult {
  goto?: string;
  end?: string;
}

export interface BlockResult {
  end?: string;
}

export type Step = ProcessStepV2;
