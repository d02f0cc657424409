import { ApplicationFailure, condition, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { FlowActivities } from '../../worker/activity-types.js';
import type { ProcessActivities } from '../../worker/process-activity-types.js';
import { evaluate, type CelContext } from '../../engine/domain/cel.js';
import type { TimelineEntry, ProcessState } from '../messages.js';
import { nowIso } from '../clock.js';
import { shielded } from '../shielded-activities.js';
import type { CarriedState, ProcessInput } from './types.js';

export const activities = shielded(proxyLocalActivities<FlowActivities & ProcessActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
}));

/** Fails the run at once: a configuration error does not get better by retrying the workflow task. */
export function configFailure(code: string, message: string): never {
  throw ApplicationFailure.create({ type: code, message, nonRetryable: true });
}

export interface UserTask {
  id: string;
  stepId: string;
  title: string;
  candidates: string[];
  assignee: string | null;
  status: 'open' | 'claimed' | 'completed' | 'cancelled';
  outcomes: string[];
  answer?: { outcome: string; data: Record<string, unknown>; actor: string; comment?: string; at: string; onBehalfOf?: string };
}

interface ReceivedEvent {
  seq: number;
  name: string;
  payload: unknown;
}

/** Everything one interpreter run holds: its variables, counters, tasks, received events and timeline. */
export class ProcessRun {
  readonly vars: Record<string, unknown>;
  readonly visits: Record<string, number>;
  readonly timeline: TimelineEntry[];
  /** Absolute deadlines of boundary timers, by `<step>:<visit>:<index>`, so they survive continue-as-new. */
  readonly deadlines: Record<string, string>;
  readonly tasks = new Map<string, UserTask>();
  readonly approvals: Record<string, string> = {};
  readonly active = new Map<string, number>();
  private readonly listeners = new Map<string, number>();
  private readonly events: ReceivedEvent[] = [];
  private eventSeq = 0;
  recordChanges = 0;
  lastOutcome?: string;
  status: ProcessState['status'] = 'running';
  outcome?: string;
  readonly generation: number;
  /** Stable across continue-as-new, unique per run of the business key (run ids are time-ordered: no prefix). */
  readonly runTag = workflowInfo().firstExecutionRunId;

  constructor(readonly input: ProcessInput) {
    const carried: Partial<CarriedState> = input.carried ?? {};
    this.vars = { ...defaults(input), ...(carried.vars ?? {}) };
    this.visits = { ...(carried.visits ?? {}) };
    this.timeline = [...(carried.timeline ?? [])];
    this.deadlines = { ...(carried.deadlines ?? {}) };
    this.lastOutcome = carried.lastOutcome;
    this.generation = carried.generation ?? 0;
  }

  log(step: string, event: string, detail?: Record<string, unknown>): void {
    this.timeline.push({ at: nowIso(), step, event, ...(detail ? { detail } : {}) });
  }

  visit(stepId: string): number {
    this.visits[stepId] = (this.visits[stepId] ?? 0) + 1;
    return this.visits[stepId];
  }

  /** Idempotency key of one side effect: the run, the step and its visit. */
  key(stepId: string, visit: number, suffix = ''): string {
    return `${this.input.processId}:${this.runTag}:${stepId}:${visit}${suffix ? `:${suffix}` : ''}`;
  }

  enter(stepId: string): void {
    this.active.set(stepId, (this.active.get(stepId) ?? 0) + 1);
  }

  leave(stepId: string): void {
    const n = (this.active.get(stepId) ?? 1) - 1;
    if (n > 0) this.active.set(stepId, n);
    else this.active.delete(stepId);
  }

  async record(): Promise<Record<string, unknown>> {
    return activities.loadRecord({ entity: this.input.entity, recordId: this.input.recordId });
  }

  context(record: Record<string, unknown>, extra: Partial<CelContext> & { event?: unknown; form?: unknown } = {}): CelContext {
    return { record, requester: this.input.requester, now: nowIso(), vars: this.vars, ...extra } as CelContext;
  }

  /** Evaluates a CEL expression; a failure at run time fails the run with a code instead of retrying forever. */
  evaluate(expression: string, context: CelContext, where: string): unknown {
    try {
      return evaluate(expression, context);
    } catch (error) {
      configFailure('EXPRESSION_FAILED', `${where}: "${expression}" failed: ${(error as Error).message.split('\n')[0]}`);
    }
  }

  holds(expression: string, context: CelContext, where: string): boolean {
    const value = this.evaluate(expression, context, where);
    if (typeof value !== 'boolean') configFailure('EXPRESSION_FAILED', `${where}: "${expression}" yielded ${typeof value}, not a boolean`);
    return value;
  }

  /** The run wrote its own record: waits that read it re-read it (the API signals writes made from outside). */
  recordChanged(): void {
    this.recordChanges++;
  }

  listen(name: string, delta: 1 | -1): void {
    const n = (this.listeners.get(name) ?? 0) + delta;
    if (n > 0) this.listeners.set(name, n);
    else this.listeners.delete(name);
  }

  listening(): string[] {
    return [...this.listeners.keys()].sort();
  }

  receive(name: string, payload: unknown): void {
    this.events.push({ seq: ++this.eventSeq, name, payload });
    if (this.events.length > 200) this.events.splice(0, this.events.length - 200);
    this.log('process', `event:${name}`);
  }

  /** The sequence number of the last event received: a listener sees only what arrives after it started. */
  get lastEventSeq(): number {
    return this.eventSeq;
  }

  /**
   * Waits for the first event named `name` after `since` that `accepts`; null when `timeoutMs` passes first.
   * The event's payload is what the waiting step reads as `event`.
   */
  async nextEvent(name: string, since: number, accepts: (payload: unknown) => boolean, timeoutMs?: number): Promise<{ payload: unknown } | null> {
    let found: ReceivedEvent | undefined;
    const seen = (): boolean => {
      found = this.events.find((e) => e.seq > since && e.name === name && accepts(e.payload));
      return found !== undefined;
    };
    this.listen(name, 1);
    try {
      const arrived = timeoutMs === undefined ? (await condition(seen), true) : await condition(seen, timeoutMs);
      return arrived && found ? { payload: found.payload } : null;
    } finally {
      this.listen(name, -1);
    }
  }

  shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || (this.input.historyLimit !== undefined && info.historyLength >= this.input.historyLimit);
  }

  carry(at: string, loopPass?: number): CarriedState {
    return {
      at, loopPass, vars: this.vars, visits: this.visits, timeline: this.timeline, deadlines: this.deadlines,
      lastOutcome: this.lastOutcome, generation: this.generation + 1,
    };
  }

  state(): ProcessState {
    return {
      status: this.status, outcome: this.outcome, currentStep: [...this.active.keys()][0], currentSteps: [...this.active.keys()],
      timeline: this.timeline, vars: this.vars, listening: this.listening(), approvals: this.approvals,
    };
  }
}

function defaults(input: ProcessInput): Record<string, unknown> {
  const declared = input.definition.variables ?? {};
  return Object.fromEntries(Object.entries(declared).filter(([, d]) => d.default !== undefined).map(([name, d]) => [name, d.default]));
}

/** Thrown up to the top of the run when it should continue as new at a safe point. */
export class ContinueAsNewRequest {
  constructor(readonly at: string, readonly loopPass?: number) {}
}
