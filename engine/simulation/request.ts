import Type, { type Static, type TSchema } from 'typebox';
import { addDuration, parseIsoDuration } from '../domain/calendar/index.js';
import type { ProcessDefinitionV2, TaskStep } from '../domain/config/process-types.js';
import type { ApprovalChain } from '../domain/config/types.js';
import { DomainError, type ErrorDetail } from '../domain/errors.js';
import { allSteps, processDefinition, type RunBundle } from '../domain/process/run-input.js';
import { checkTaskForm } from '../domain/process/task-form.js';
import { AnyObject } from '../api/routes/schemas.js';

export const SIMULATION_LIMITS = {
  /** Task answers and events together. */
  scriptEntries: 200,
  /** How far a simulation may run: three years of simulated time. */
  simulatedMs: 1096 * 86_400_000,
  defaultUntil: 'P365D',
  /** Clock jumps (timer firings and script entries) one simulation may take. */
  ticks: 5_000,
} as const;

const duration = Type.String({ minLength: 2, maxLength: 40 });
const scriptList = <T extends TSchema>(item: T) => Type.Optional(Type.Array(item, { maxItems: SIMULATION_LIMITS.scriptEntries }));
const otherProcess = Type.Optional(Type.String({ minLength: 1, maxLength: 100 }));

/** The body of `POST /api/config/simulate`: validates the request and gives its type. */
export const simulationRequestSchema = Type.Object({
  bundle: Type.Optional(AnyObject()),
  process: Type.String({ minLength: 1, maxLength: 100 }),
  /** The sample record's data. */
  record: AnyObject(),
  requester: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  start: Type.Optional(Type.String({ format: 'date-time' })),
  /** An ISO 8601 duration from `start`, or an instant. */
  until: Type.Optional(duration),
  script: Type.Optional(Type.Object({
    /** `process`: the sub-process (or a process the run starts) whose task this answers; default the simulated process. */
    tasks: scriptList(Type.Object({
      process: otherProcess,
      step: Type.String({ minLength: 1, maxLength: 100 }), outcome: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      data: Type.Optional(AnyObject()), comment: Type.Optional(Type.String({ maxLength: 2000 })),
      by: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), after: Type.Optional(duration),
    }, { additionalProperties: false })),
    /** `process`: the sub-process the event is delivered to; default the simulated process. */
    events: scriptList(Type.Object({
      process: otherProcess, name: Type.String({ minLength: 1, maxLength: 63 }), after: duration, payload: Type.Optional(Type.Unknown()),
    }, { additionalProperties: false })),
    /** Edits of the sample record, as a user's merge patch (`PATCH /api/records/...`) at that time. */
    records: scriptList(Type.Object({ after: duration, set: AnyObject() }, { additionalProperties: false })),
  }, { additionalProperties: false })),
}, { additionalProperties: false });
export type SimulationRequest = Static<typeof simulationRequestSchema>;

/**
 * One scripted input, located by its JSON pointer in the request. `process` is set for an input addressed to another
 * process the run starts (a sub-process); absent, it goes to the simulated process's own run.
 */
export type ScriptEntry = (
  | { kind: 'task'; process?: string; step: string; approval: boolean; outcome: string; data?: Record<string, unknown>; comment?: string; by?: string }
  | { kind: 'event'; process?: string; name: string; payload: unknown }
  | { kind: 'record'; set: Record<string, unknown> }
) & { path: string; order: number; after?: string };

export interface SimulationPlan {
  definition: ProcessDefinitionV2;
  entity: string;
  entries: ScriptEntry[];
  until: string;
}

const APPROVAL_OUTCOMES = ['approve', 'reject', 'request_changes', 'resubmit', 'withdraw'];

/** The steps a script may answer: user tasks of the process, and the steps of the approval chains it runs. */
function answerableSteps(definition: ProcessDefinitionV2, chains: Record<string, ApprovalChain>): Map<string, TaskStep | 'approval'> {
  const steps = new Map<string, TaskStep | 'approval'>();
  for (const step of allSteps(definition.steps)) {
    if (step.type === 'task') steps.set(step.id, step);
    if (step.type === 'approval') {
      steps.set(step.id, 'approval');
      for (const chainStep of chains[step.chain]?.steps ?? []) steps.set(chainStep.id, 'approval');
    }
  }
  return steps;
}

/** The events some step or boundary of the process listens for. */
function awaitedEvents(definition: ProcessDefinitionV2): Set<string> {
  const names = new Set<string>();
  for (const step of allSteps(definition.steps)) {
    if (step.type === 'event') names.add(step.event);
    for (const b of step.boundary ?? []) if ('event' in b) names.add(b.event);
  }
  return names;
}

/** The processes a definition starts itself: its sub-process steps and its `startProcess` actions. */
function startedProcesses(definition: ProcessDefinitionV2): string[] {
  return allSteps(definition.steps).flatMap((s) => (s.type === 'subprocess' ? [s.process] : s.type === 'action' && s.action === 'startProcess' && s.process ? [s.process] : []));
}

/** Every process a run of `process` may start, directly or through the runs it starts, with its definition. */
export function reachableProcesses(bundle: RunBundle, process: string): Map<string, ProcessDefinitionV2> {
  const reached = new Map<string, ProcessDefinitionV2>();
  const visit = (name: string) => {
    for (const next of startedProcesses(processDefinition(bundle, name))) {
      if (reached.has(next) || next === process) continue;
      reached.set(next, processDefinition(bundle, next));
      visit(next);
    }
  };
  visit(process);
  return reached;
}

/** The answerable steps and awaited events of the simulated process and of every process it may start. */
interface ScriptTargets {
  own: { steps: Map<string, TaskStep | 'approval'>; events: Set<string> };
  others: Map<string, { steps: Map<string, TaskStep | 'approval'>; events: Set<string> }>;
}

function scriptTargets(bundle: RunBundle, definition: ProcessDefinitionV2, process: string): ScriptTargets {
  const chains = (bundle.approvalChains ?? {}) as Record<string, ApprovalChain>;
  const targets = (d: ProcessDefinitionV2) => ({ steps: answerableSteps(d, chains), events: awaitedEvents(d) });
  const others = new Map([...reachableProcesses(bundle, process)].map(([name, d]) => [name, targets(d)]));
  return { own: targets(definition), others };
}

/** For a step or event the simulated process lacks: the processes it starts that have it, as a hint. */
function elsewhere(targets: ScriptTargets, has: (t: ScriptTargets['own']) => boolean): string {
  const names = [...targets.others].filter(([, t]) => has(t)).map(([name]) => name);
  return names.length ? `; it is in ${names.join(', ')}, which the run starts: name it in "process"` : '';
}

function checkDuration(value: string | undefined, path: string, problems: ErrorDetail[]): void {
  if (value === undefined) return;
  try {
    parseIsoDuration(value);
  } catch (error) {
    problems.push({ path, message: (error as Error).message });
  }
}

/**
 * Checks a simulation request against the (already valid) bundle: the process, its sample record's entity, the
 * script's steps, outcomes, form data, events and durations; every problem is reported with its JSON pointer.
 */
export function planSimulation(bundle: RunBundle & { entities?: unknown }, request: SimulationRequest): SimulationPlan {
  const definition = processDefinition(bundle, request.process);
  const problems: ErrorDetail[] = [];
  const tasks = request.script?.tasks ?? [];
  const events = request.script?.events ?? [];
  const edits = request.script?.records ?? [];
  const count = tasks.length + events.length + edits.length;
  if (count > SIMULATION_LIMITS.scriptEntries) {
    throw new DomainError('SIMULATION_LIMIT', `a script holds at most ${SIMULATION_LIMITS.scriptEntries} entries`, [{ path: '/script', message: `${count} entries` }]);
  }
  const until = request.until ?? SIMULATION_LIMITS.defaultUntil;
  if (until.startsWith('P')) checkDuration(until, '/until', problems);
  else if (Number.isNaN(Date.parse(until))) problems.push({ path: '/until', message: 'must be an ISO 8601 duration or date-time' });

  const targets = scriptTargets(bundle, definition, request.process);
  /** The targets of an entry's `process`: the simulated process's own when absent; undefined (a problem noted) when not started by the run. */
  const targetsOf = (process: string | undefined, path: string) => {
    if (process === undefined) return targets.own;
    const found = targets.others.get(process) ?? (process === request.process ? targets.own : undefined);
    if (!found) {
      const started = [...targets.others.keys()];
      problems.push({ path: `${path}/process`, message: `process ${request.process} starts no process "${process}"${started.length ? ` (it starts ${started.join(', ')})` : ''}` });
    }
    return found;
  };
  const entries: ScriptEntry[] = [];
  tasks.forEach((t, i) => {
    const path = `/script/tasks/${i}`;
    checkDuration(t.after, `${path}/after`, problems);
    const target = targetsOf(t.process, path);
    if (!target) return;
    const step = target.steps.get(t.step);
    const owner = t.process ?? request.process;
    const process = t.process === undefined ? {} : { process: t.process };
    if (!step) {
      const hint = t.process === undefined ? elsewhere(targets, (o) => o.steps.has(t.step)) : '';
      problems.push({ path: `${path}/step`, message: `process ${owner} has no task or approval step "${t.step}"${hint}` });
      return;
    }
    if (step === 'approval') {
      const outcome = t.outcome ?? 'approve';
      if (!APPROVAL_OUTCOMES.includes(outcome)) problems.push({ path: `${path}/outcome`, message: `must be one of ${APPROVAL_OUTCOMES.join(', ')}` });
      entries.push({ kind: 'task', ...process, step: t.step, approval: true, outcome, comment: t.comment, by: t.by, path, order: i, after: t.after });
      return;
    }
    const outcomes = step.outcomes ?? ['complete'];
    const outcome = t.outcome ?? (outcomes.length === 1 ? outcomes[0] : undefined);
    if (!outcome || !outcomes.includes(outcome)) problems.push({ path: `${path}/outcome`, message: `must be one of ${outcomes.join(', ')}` });
    const data = t.data ?? {};
    if (step.form) problems.push(...checkTaskForm(step.form.schema, data).map((p) => ({ ...p, path: path + p.path })));
    entries.push({ kind: 'task', ...process, step: t.step, approval: false, outcome: outcome ?? '', data, comment: t.comment, by: t.by, path, order: i, after: t.after });
  });
  events.forEach((e, i) => {
    const path = `/script/events/${i}`;
    checkDuration(e.after, `${path}/after`, problems);
    const target = targetsOf(e.process, path);
    if (target && !target.events.has(e.name)) {
      const hint = e.process === undefined ? elsewhere(targets, (o) => o.events.has(e.name)) : '';
      problems.push({ path: `${path}/name`, message: `no step or boundary of process ${e.process ?? request.process} waits for event "${e.name}"${hint}` });
    }
    entries.push({ kind: 'event', ...(e.process === undefined ? {} : { process: e.process }), name: e.name, payload: e.payload ?? null, path, order: tasks.length + i, after: e.after });
  });
  edits.forEach((r, i) => {
    const path = `/script/records/${i}`;
    checkDuration(r.after, `${path}/after`, problems);
    entries.push({ kind: 'record', set: r.set, path, order: tasks.length + events.length + i, after: r.after });
  });
  if (problems.length) throw new DomainError('VALIDATION_FAILED', 'the simulation request is invalid', problems);
  return { definition, entity: definition.entity, entries, until };
}

/** The instant `after` (a duration) counts to from `startIso`; no `after` is the start itself. */
export function instantAfter(startIso: string, after: string | undefined): number {
  return Date.parse(after ? addDuration(startIso, after) : startIso);
}

/** The end of the simulated window: `until` from the start (a duration or an instant), within the limit. */
export function untilInstant(startIso: string, until: string): number {
  const end = until.startsWith('P') ? Date.parse(addDuration(startIso, until)) : Date.parse(until);
  const start = Date.parse(startIso);
  if (end <= start) throw new DomainError('VALIDATION_FAILED', 'until lies before the start', [{ path: '/until', message: 'must be after the start' }]);
  if (end - start > SIMULATION_LIMITS.simulatedMs) {
    throw new DomainError('SIMULATION_LIMIT', 'a simulation covers at most three years', [{ path: '/until', message: 'at most P1096D after the start' }]);
  }
  return end;
}
