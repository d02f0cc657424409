import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, type ErrorDetail } from '../domain/errors.js';
import type { ApprovalChain, Bundle, PipelineStage } from '../domain/config/types.js';
import {
  amountOf, checkStageMove, parseStageApprovalProcess, pipelinesOf, selectPipeline, stageApprovalProcessId, stageOf, stageTaskProcessName, stageValue, STAGE_APPROVAL_PREFIX,
  type NamedPipeline,
} from '../domain/pipeline/index.js';
import { ProcessInstanceEntity } from './entities.js';
import { validateData } from './record-validation.js';
import { StageStays, type StageStay } from './stage-stays.js';
import type { EntityContext } from './record-write.js';
import type { Calendar } from '../domain/calendar/index.js';
import type { StageStayInput } from '../../workflows/messages.js';

/** A committed stage move, for what follows the commit (stage actions that start processes, the stale clock). */
export interface StageMove {
  entity: string;
  recordId: string;
  pipeline: string;
  from: string | null;
  to: string;
  actor: string;
  at: string;
  stay: StageStay;
  startProcess?: string;
  /** The generated process of the stage's `onEnter.createTask`, started once for this stay. */
  createTask?: string;
  /** The stale clock of the new stay, when its pipeline has stale limits and the stage is open. */
  clock?: StageStayInput;
}

/** A move that waits for its approval: the write keeps the current stage, the approval process is started after it. */
export interface StageRequest {
  entity: string;
  recordId: string;
  pipeline: string;
  from: string | null;
  to: string;
  chain: string;
  actor: string;
}

export interface StageWrite {
  recordId: string;
  /** The data before the write; null on create. */
  before: Record<string, unknown> | null;
  /** The prepared data about to be stored; the guard may fill the first stage and a stage's `onEnter.set`. */
  data: Record<string, unknown>;
  actor: string;
  /** The process run making a system write (a stage approval's own move carries its run id). */
  processId?: string;
  /** An explicit move into another pipeline (the stage API's `pipeline`). */
  pipeline?: string;
  reason?: string | null;
  /** The stage API: a move needing approval keeps the stage and is reported in `requests` instead of refused. */
  requests?: StageRequest[];
  now: Date;
}

/**
 * The stage approval awaiting a decision on a record: a running process generated for one of its stages, unless the
 * record is in that stage already (the approval's own move has committed and the run is finishing).
 */
export async function pendingStageApproval(em: EntityManager, bundle: Pick<Bundle, 'pipelines'>, entity: string, recordId: string,
  data: Record<string, unknown>): Promise<{ to: string; processId: string; pipeline: string } | null> {
  const running = await em.findOne(ProcessInstanceEntity, { entity, recordId, status: 'running', process: { $like: `${STAGE_APPROVAL_PREFIX}.%` } });
  const parsed = running ? parseStageApprovalProcess(running.process) : null;
  const field = parsed && Object.hasOwn(bundle.pipelines ?? {}, parsed.pipeline) ? bundle.pipelines![parsed.pipeline].field : null;
  if (!running || !parsed || (field && data[field] === parsed.stage)) return null;
  return { to: parsed.stage, processId: running.id, pipeline: parsed.pipeline };
}

function refuse(message: string, details: ErrorDetail[]): never {
  throw new DomainError('TRANSITION_NOT_ALLOWED', message, details);
}

/** Which pipeline the write is about, and the stage the record leaves. */
async function resolve(em: EntityManager, ctx: EntityContext, write: StageWrite, bundle: Bundle): Promise<{ named: NamedPipeline; open: StageStay | null; from: string | null } | null> {
  const stays = new StageStays(em);
  const open = write.before ? await stays.open(write.recordId) : null;
  const named = write.pipeline
    ? pipelinesOf(bundle, ctx.entity).find((p) => p.name === write.pipeline) ?? null
    : selectPipeline(bundle, ctx.entity, write.data, open?.pipeline ?? null);
  if (write.pipeline && !named) {
    throw new DomainError('VALIDATION_FAILED', `pipeline "${write.pipeline}" does not exist for ${ctx.entity}`, [{ path: '/pipeline', message: 'unknown pipeline' }]);
  }
  if (!named) return null;
  const switched = !!open && open.pipeline !== named.name;
  return { named, open, from: switched || !write.before ? null : stageValue(named.pipeline, write.before) };
}

/**
 * The one stage gate of every record write (create, patch, system writes of processes, imports): when the write
 * changes the stage field of the record's pipeline, the move must pass `checkStageMove`, or the whole write is
 * refused. A passed move closes the current stay and opens the next in the same transaction. A stage whose
 * approval applies is entered only by its approval process (`stage-approval.<pipeline>.<stage>`).
 */
export async function guardStageWrite(em: EntityManager, ctx: EntityContext, write: StageWrite): Promise<StageMove | null> {
  const bundle = ctx.config.bundle as unknown as Bundle;
  if (!pipelinesOf(bundle, ctx.entity).length) return null;
  const resolved = await resolve(em, ctx, write, bundle);
  if (!resolved) return null;
  const { named: { name, pipeline }, open, from } = resolved;
  const fieldPath = `/${pipeline.field}`;
  let to = stageValue(pipeline, write.data);
  if (to === null) {
    if (from !== null) refuse(`the stage of this ${ctx.entity} cannot be cleared`, [{ path: fieldPath, message: 'a record in a pipeline always has a stage' }]);
    to = pipeline.stages[0].id;
    write.data[pipeline.field] = to;
  }
  if (open && open.pipeline === name && open.stage === to && !write.pipeline) {
    if (amountOf(pipeline, write.data) !== amountOf(pipeline, write.before ?? {})) await new StageStays(em).setAmount(write.recordId, amountOf(pipeline, write.data));
    return null;
  }
  if (!stageOf(pipeline, to)) {
    throw new DomainError('VALIDATION_FAILED', `"${to}" is not a stage of pipeline "${name}"`, [{ path: fieldPath, message: `use one of ${pipeline.stages.map((s) => s.id).join(', ')}` }]);
  }
  const moving = from !== to || !open || open.pipeline !== name;
  if (!moving) return null;
  const pending = write.before ? await pendingStageApproval(em, bundle, ctx.entity, write.recordId, write.before) : null;
  const approved = !!write.processId && write.processId === stageApprovalProcessId(name, to, ctx.entity, write.recordId);
  if (pending && !approved) {
    refuse(`this ${ctx.entity} awaits the approval of stage "${pending.to}"`, [{ path: fieldPath, message: `pending approval ${pending.processId}` }]);
  }
  // A record that had a stage before any stay was recorded (pipeline added later) gets its stay without a gate.
  const backfill = !open && !!write.before && from === to;
  if (!backfill) {
    const verdict = checkStageMove({
      pipelineName: name, pipeline, from, to, record: write.data, chains: (bundle.approvalChains ?? {}) as Record<string, ApprovalChain>,
      approved, actor: write.actor, now: write.now.toISOString(),
    });
    if (verdict.kind === 'refused') refuse(`moving to stage "${to}" is not allowed`, verdict.details);
    if (verdict.kind === 'gate') throw new DomainError('STAGE_GATE_FAILED', `stage "${to}" has unmet requirements`, verdict.details);
    if (verdict.kind === 'approval' && write.requests) {
      write.data[pipeline.field] = from;
      write.requests.push({ entity: ctx.entity, recordId: write.recordId, pipeline: name, from, to, chain: verdict.chain, actor: write.actor });
      return null;
    }
    if (verdict.kind === 'approval') {
      refuse(`entering stage "${to}" needs the approval "${verdict.chain}"`, [{ path: fieldPath, message: `request it with POST /api/records/${ctx.entity}/${write.recordId || ':id'}/stage` }]);
    }
  }
  const stage = stageOf(pipeline, to) as PipelineStage;
  applyOnEnter(ctx, stage, write.data);
  const stay = await new StageStays(em).move({
    entity: ctx.entity, recordId: write.recordId, pipeline: name, stage: to, fromStage: open?.pipeline === name ? open.stage : null,
    actor: write.actor, at: write.now, reason: write.reason, amount: amountOf(pipeline, write.data),
  });
  return {
    entity: ctx.entity, recordId: write.recordId, pipeline: name, from: open?.stage ?? null, to, actor: write.actor, at: stay.enteredAt, stay,
    ...(stage.onEnter?.startProcess && !backfill ? { startProcess: stage.onEnter.startProcess } : {}),
    ...(stage.onEnter?.createTask && !backfill ? { createTask: stageTaskProcessName(name, to) } : {}),
    ...staleClock(bundle, ctx.entity, write.recordId, name, stay),
  };
}

function staleClock(bundle: Bundle, entity: string, recordId: string, name: string, stay: StageStay): { clock?: StageStayInput } {
  const definition = bundle.pipelines![name];
  const stage = stageOf(definition, stay.stage);
  if (!definition.stale || !stage || stage.category === 'won' || stage.category === 'lost') return {};
  const calendars = (bundle.calendars ?? {}) as Record<string, Calendar>;
  const calendarName = definition.stale.calendar;
  const calendar = calendarName && Object.hasOwn(calendars, calendarName) ? calendars[calendarName] : undefined;
  return { clock: { entity, recordId, pipeline: name, stage: stay.stage, stayId: stay.id, definition, ...(calendar ? { calendar } : {}) } };
}

/** `onEnter.set` is part of the move's write, so the stored record satisfies its schema afterwards too. */
function applyOnEnter(ctx: EntityContext, stage: PipelineStage, data: Record<string, unknown>): void {
  const set = stage.onEnter?.set;
  if (!set) return;
  Object.assign(data, structuredClone(set));
  const problems = validateData(ctx.rules, data, '');
  if (problems.length) throw new DomainError('VALIDATION_FAILED', `the onEnter.set of stage "${stage.id}" makes the record invalid`, problems);
}

/** The pipeline a record is in (its open stay's) or would be put in now. */
export async function recordPipeline(em: EntityManager, ctx: EntityContext, recordId: string, data: Record<string, unknown>): Promise<NamedPipeline | null> {
  const open = await new StageStays(em).open(recordId);
  return selectPipeline(ctx.config.bundle as unknown as Bundle, ctx.entity, data, open?.pipeline ?? null);
}
