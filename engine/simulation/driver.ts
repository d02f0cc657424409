import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { ROLE_CANDIDATE_PREFIX } from '../domain/approval/index.js';
import { DomainError } from '../domain/errors.js';
import { applyMergePatch } from '../domain/records/merge-patch.js';
import { decideUpdate, deliverEventUpdate, processStateQuery, recordChangedSignal, type ProcessState } from '../../workflows/messages.js';
import type { ProcessInput } from '../../workflows/interpreter/types.js';
import { createSimulationActivities, type SimulationActivityDeps } from './activities.js';
import { fetchStanding, runSettled, type WorkflowStanding } from './history.js';
import { instantAfter, SIMULATION_LIMITS, untilInstant, type ScriptEntry, type SimulationPlan } from './request.js';
import { subprocessRuns } from './runs.js';
import type { SimulatedRun, SimulatedTask, SimulationStore } from './store.js';

export interface SimulationRun {
  env: TestWorkflowEnvironment;
  workflowBundle: WorkerOptions['workflowBundle'];
  store: SimulationStore;
  plan: SimulationPlan;
  input: ProcessInput;
  /** Requested start; the server's now when absent or already past. */
  start?: string;
  timeoutMs: number;
  realLoads: SimulationActivityDeps['realLoads'];
  readRecord: SimulationActivityDeps['readRecord'];
}

export interface SimulationOutcome {
  status: 'completed' | 'failed' | 'cancelled' | 'waiting' | 'running';
  outcome: string | null;
  error: { code: string; message: string } | null;
  start: string;
  end: string;
  waitingFor: { tasks: Pick<SimulatedTask, 'step' | 'assignee' | 'candidates'>[]; events: string[] } | null;
  /** The run's timeline, with the entries of the sub-processes it runs (marked with their `process` and `processId`) in time order. */
  timeline: (ProcessState['timeline'][number] & { process?: string; processId?: string })[];
  unused: string[];
}

type TimedEntry = ScriptEntry & { at: number };

/**
 * Runs the real interpreter on a time-skipping server with the simulation's activities, and plays the script on
 * simulated time: between two inputs the clock jumps to the next timer any workflow of the run has pending (read
 * from their histories), so every timer fires at its own time and a scripted answer meets its task when it opens.
 */
export async function simulate(run: SimulationRun): Promise<SimulationOutcome> {
  const { env, store, plan, input } = run;
  const wallDeadline = Date.now() + run.timeoutMs;
  const clock = async () => new Date(await env.currentTimeMs()).toISOString();
  const activities = createSimulationActivities({ store, clock, realLoads: run.realLoads, readRecord: run.readRecord, historyLimit: input.historyLimit });
  const taskQueue = `simulation-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection, taskQueue, workflowBundle: run.workflowBundle, activities, maxCachedWorkflows: 50,
  });
  return worker.runUntil(async () => {
    const now = await env.currentTimeMs();
    const requested = run.start ? Date.parse(run.start) : now;
    const sleep = (ms: number) => within(env.sleep(ms), wallDeadline);
    if (requested > now + 1000) await sleep(requested - now);
    const start = await clock();
    const until = untilInstant(start, plan.until);
    const pending: TimedEntry[] = plan.entries.map((e) => ({ ...e, at: instantAfter(start, e.after) }))
      .sort((a, b) => a.at - b.at || a.order - b.order);
    for (const e of pending) {
      if (e.at > until) throw new DomainError('VALIDATION_FAILED', 'the simulation request is invalid', [{ path: `${e.path}/after`, message: 'lies beyond until' }]);
    }
    store.runs.set(input.processId, { processId: input.processId, process: input.process, entity: input.entity, recordId: input.recordId, status: 'running', outcome: null, timeline: [] });
    await env.client.workflow.start('processWorkflow', { taskQueue, workflowId: input.processId, args: [input] });

    const driver = new Driver(env.client, store, input, wallDeadline);
    let stopped: 'waiting' | 'running' | undefined;
    for (let tick = 0; ; tick++) {
      if (tick > SIMULATION_LIMITS.ticks) throw new DomainError('SIMULATION_LIMIT', `the run took more than ${SIMULATION_LIMITS.ticks} clock jumps`, [{ path: '/until', message: 'simulate a shorter window' }]);
      const standing = await driver.settle();
      if (standing.ended) break;
      const current = await env.currentTimeMs();
      if (await driver.applyOne(pending, current)) continue;
      const nextEntry = pending.find((e) => e.at > current)?.at;
      const next = Math.min(...standing.timers, nextEntry ?? Infinity);
      if (next === Infinity) {
        stopped = 'waiting';
        break;
      }
      if (next > until) {
        if (until > current) await sleep(until - current);
        await driver.settle();
        stopped = driver.ended ? undefined : 'running';
        break;
      }
      await sleep(Math.max(1, next - current));
    }
    return driver.outcome(start, await clock(), stopped, pending);
  });
}

function timeout(): DomainError {
  return new DomainError('SIMULATION_TIMEOUT', 'the simulation did not finish within its time budget', [{ path: '/until', message: 'simulate a shorter window or a smaller script' }]);
}

/** A clock jump bounded by the wall-clock budget (a workflow task that keeps failing holds the clock still). */
async function within<T>(work: Promise<T>, wallDeadline: number): Promise<T> {
  const guard = new AbortController();
  try {
    return await Promise.race([work, delay(Math.max(0, wallDeadline - Date.now()), undefined, { signal: guard.signal }).then(() => { throw timeout(); })]);
  } finally {
    guard.abort();
  }
}

/** Whether the workflows of one simulated run are busy, where they wait, and how the script reaches them. */
class Driver {
  private readonly known = new Set<string>();
  private readonly closed = new Set<string>();
  private readonly answered = new Set<string>();

  private readonly processId: string;

  constructor(private readonly client: Client, private readonly store: SimulationStore, private readonly input: ProcessInput, private readonly wallDeadline: number) {
    this.processId = input.processId;
    this.known.add(this.processId);
  }

  private checkBudget(): void {
    if (Date.now() > this.wallDeadline) throw timeout();
  }

  /** Waits until no workflow of the run has work in flight; returns the pending timers and whether the run ended. */
  async settle(): Promise<{ ended: boolean; timers: number[] }> {
    for (;;) {
      this.checkBudget();
      const ids = [...this.known].filter((k) => !this.closed.has(k));
      const standings: { id: string; standing: WorkflowStanding }[] = [];
      for (const id of ids) {
        const standing = await fetchStanding(this.client, id);
        if (!standing) continue;
        if (standing.closed) this.closed.add(id);
        standing.children.forEach((c) => this.known.add(c));
        standings.push({ id, standing });
      }
      const unseen = [...this.known].some((k) => !this.closed.has(k) && !ids.includes(k));
      if (runSettled(standings, this.closed)) {
        if (!unseen) return { ended: this.closed.has(this.processId), timers: standings.filter((s) => !s.standing.closed).flatMap((s) => s.standing.timers) };
        continue;
      }
      await delay(5);
    }
  }

  get ended(): boolean {
    return this.closed.has(this.processId);
  }

  /** Sends the first scripted input that is due and can be delivered now; false when none is. */
  async applyOne(pending: TimedEntry[], now: number): Promise<boolean> {
    for (const entry of pending.filter((e) => e.at <= now)) {
      if (entry.kind === 'record') {
        await this.edit(entry, now);
        pending.splice(pending.indexOf(entry), 1);
        return true;
      }
      if (entry.kind === 'event') {
        // an event for a sub-process waits until a run of it is there
        const target = entry.process === undefined ? this.processId : this.runsOf(entry.process)[0]?.processId;
        if (!target) continue;
        await this.send(entry, target, () => this.client.workflow.getHandle(target).executeUpdate(deliverEventUpdate, { args: [{ name: entry.name, payload: entry.payload }] }));
        pending.splice(pending.indexOf(entry), 1);
        return true;
      }
      const task = this.openTaskFor(entry);
      if (!task) continue;
      this.answered.add(task.id);
      const actor = entry.by ?? this.defaultActor(task);
      await this.send(entry, task.workflowId, () => this.client.workflow.getHandle(task.workflowId).executeUpdate(decideUpdate, {
        args: [{ taskId: task.id, actor, outcome: entry.outcome, comment: entry.comment, ...(entry.approval ? {} : { data: entry.data ?? {} }), delegations: [] }],
      }));
      pending.splice(pending.indexOf(entry), 1);
      return true;
    }
    return false;
  }

  /**
   * A user's edit of the sample record, as the API applies it: locked fields of a pending approval are refused, the
   * record is validated, and then the run and the approvals that re-evaluate on edits are told (their date timers
   * follow the record).
   */
  private async edit(entry: Extract<TimedEntry, { kind: 'record' }>, now: number): Promise<void> {
    const { recordId, entity, requester } = this.input;
    const record = this.store.records.get(recordId)!;
    const pending = [...this.store.pendingApprovals.entries()].filter(([, p]) => p.recordId === recordId);
    const locked = Object.keys(entry.set).filter((field) => pending.some(([, p]) => p.lockedFields.includes(field)));
    const refuse = (message: string) => {
      throw new DomainError('SIMULATION_SCRIPT_REFUSED', `the simulated run refused ${entry.path}`, [{ path: `${entry.path}/set`, message }]);
    };
    if (locked.length) refuse(`RECORD_LOCKED: ${locked.join(', ')} locked while the approval is pending`);
    const next = applyMergePatch(record.data, entry.set as never) as Record<string, unknown>;
    const problems = this.store.validators(entity)(next);
    if (problems.length) refuse(`VALIDATION_FAILED: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
    record.data = next;
    this.store.recordChanges.push({ at: new Date(now).toISOString(), recordId, entity, set: entry.set, action: 'update', actor: requester });
    const version = this.store.recordChanges.filter((c) => c.recordId === recordId).length + 1;
    const runs = [...this.store.runs.values()].filter((r) => r.recordId === recordId && r.status === 'running').map((r) => r.processId);
    const woken = [...pending.filter(([, p]) => p.onRecordChange !== 'continue').map(([id]) => id), ...runs];
    for (const id of woken) await this.client.workflow.getHandle(id).signal(recordChangedSignal, { version });
  }

  /** The running runs of a process, oldest first. */
  private runsOf(process: string): SimulatedRun[] {
    return [...this.store.runs.values()].filter((r) => r.process === process && r.status === 'running');
  }

  /** The oldest open task the entry answers: of the simulated run, or of a run of the entry's `process`. */
  private openTaskFor(entry: Extract<TimedEntry, { kind: 'task' }>): SimulatedTask | undefined {
    return this.store.taskList().find((t) => {
      if ((t.status !== 'open' && t.status !== 'claimed') || this.answered.has(t.id)) return false;
      const owner = this.store.runOf(t.workflowId);
      if (!owner || (entry.process === undefined ? owner.processId !== this.processId : owner.process !== entry.process)) return false;
      return t.step === entry.step || (entry.approval && t.kind === 'approval' && t.workflowId.startsWith(`${owner.processId}:${entry.step}`));
    });
  }

  /** The task's assignee, else its first candidate (a role candidate: its first holder who is not the requester). */
  private defaultActor(task: SimulatedTask): string {
    if (task.assignee) return task.assignee;
    const first = task.candidates[0] ?? '';
    if (!first.startsWith(ROLE_CANDIDATE_PREFIX)) return first;
    const role = first.slice(ROLE_CANDIDATE_PREFIX.length);
    const { requester } = this.input;
    return this.store.users.find((u) => u.active && u.roles.includes(role) && u.username !== requester)?.username ?? first;
  }

  private async send(entry: TimedEntry, workflowId: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      const cause = error instanceof WorkflowUpdateFailedError ? error.cause as { type?: string; message?: string } | undefined : undefined;
      const reason = cause ? `${cause.type ?? 'REFUSED'}: ${cause.message}` : (error as Error).message;
      throw new DomainError('SIMULATION_SCRIPT_REFUSED', `the simulated run refused ${entry.path}`, [{ path: entry.path, message: `${workflowId}: ${reason}` }]);
    }
  }

  /** A run's timeline: as it stands now while it runs, as it ended otherwise. */
  private async timelineOf(run: SimulatedRun): Promise<ProcessState['timeline']> {
    if (run.status !== 'running') return run.timeline;
    return (await this.client.workflow.getHandle(run.processId).query(processStateQuery).catch(() => null))?.timeline ?? run.timeline;
  }

  /**
   * The run's timeline with those of its sub-processes (runs a `subprocess` step started, at any depth) merged in
   * by time, each of theirs marked with its process. Runs a `startProcess` action started are runs of their own.
   */
  private async mergedTimeline(own: ProcessState['timeline']): Promise<SimulationOutcome['timeline']> {
    const parts = subprocessRuns(this.store, this.processId);
    const theirs = await Promise.all(parts.map(async (r) => (await this.timelineOf(r)).map((e) => ({ ...e, process: r.process, processId: r.processId }))));
    const all: SimulationOutcome['timeline'] = [...own, ...theirs.flat()];
    return all.map((e, i) => ({ e, i, at: Date.parse(e.at) })).sort((a, b) => a.at - b.at || a.i - b.i).map(({ e }) => e);
  }

  async outcome(start: string, end: string, stopped: 'waiting' | 'running' | undefined, pending: TimedEntry[]): Promise<SimulationOutcome> {
    const run = this.store.runs.get(this.processId)!;
    const live = stopped ? await this.client.workflow.getHandle(this.processId).query(processStateQuery) : null;
    const open = this.store.taskList().filter((t) => t.status === 'open' || t.status === 'claimed');
    const status = stopped ?? (run.status === 'running' ? 'failed' : run.status);
    return {
      status, outcome: run.outcome,
      error: run.error ?? (status === 'failed' ? { code: 'WORKFLOW_ENDED', message: 'the workflow ended without finalizing the run' } : null),
      start, end,
      waitingFor: stopped ? { tasks: open.map((t) => ({ step: t.step, assignee: t.assignee, candidates: t.candidates })), events: live?.listening ?? [] } : null,
      timeline: await this.mergedTimeline(live?.timeline ?? run.timeline),
      unused: pending.map((e) => e.path),
    };
  }
}
