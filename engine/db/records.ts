import { randomUUID } from 'node:crypto';
import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { RecordEntity, AuditEntryEntity, type CrmRecord } from './entities.js';
import { addAudit } from './audit.js';
import { applyMergePatch } from '../domain/records/merge-patch.js';
import { diffFields } from '../domain/records/diff.js';
import { applyReview, unreviewed, type ReviewStage, type ReviewState } from '../domain/records/review.js';
import { DomainError } from '../domain/errors.js';
import { READ_STALENESS_MS } from './config-store.js';
import { currentConfig, entityContext, prepareData, type EntityContext } from './record-write.js';
import { listRows, visibleCatalog, type ListOptions, type RecordRow } from './record-list.js';
import { ensureIndexesOnce } from './record-indexes.js';
import { sqlState } from './record-sql.js';
import { PendingApprovals } from './pending-approvals.js';
import type { Bundle } from '../domain/config/types.js';
import { redactData } from '../domain/access/permissions.js';
import { pipelinesOf } from '../domain/pipeline/index.js';
import { StageStays } from './stage-stays.js';
import { createInOneStatement, createsWithoutReads } from './record-create-one-statement.js';
import { guardStageWrite, pendingStageApproval, type StageMove, type StageRequest } from './stage-guard.js';
import type { RuleWarning } from '../domain/records/rules.js';
import { notifyRuleWarnings } from './rule-notifications.js';

export interface RecordDto {
  id: string;
  entity: string;
  data: Record<string, unknown>;
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
  /** Present when the entity requires maker-checker review. */
  review?: ReviewState;
  /** Present while a stage move awaits its approval. */
  pendingStage?: { to: string; processId: string };
  /** Create and update answers only, when warning rules of the entity fired (the write is stored). */
  warnings?: RuleWarning[];
}

/** How a write moves the stage: the approval run it completes, an explicit pipeline, the reason given. */
export interface StageWriteOptions {
  processId?: string;
  pipeline?: string;
  reason?: string | null;
  /** Collects a move that needs approval instead of refusing it (the stage API). */
  requests?: StageRequest[];
}

export function toRecordDto(r: CrmRecord | RecordRow, withReview = false): RecordDto {
  const row = 'created_at' in r
    ? { ...r, data: parsed(r.data), review: parsed(r.review), createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at), createdBy: r.created_by, updatedBy: r.updated_by }
    : r;
  return {
    id: row.id,
    entity: row.entity,
    data: row.data,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    createdBy: row.createdBy,
    updatedBy: row.updatedBy,
    ...(withReview ? { review: (row.review as ReviewState | null) ?? unreviewed() } : {}),
  };
}

export { addAudit, type AuditInput } from './audit.js';

function parsed<T>(value: T | string): T {
  return typeof value === 'string' ? JSON.parse(value) as T : value;
}

/** A unique index can still refuse a write the in-transaction check let through (it is the last guard). */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (sqlState(error) === '23505') throw new DomainError('CONFLICT', 'a unique field value is already used', [{ path: '/', message: 'not unique' }]);
    throw error;
  }
}

/** Records of any configured entity; every write is validated, transactional and audited. */
export class RecordRepository {
  /** Stage moves of this repository's writes, for the effects that follow their commit (see stage-effects). */
  readonly stageMoves: StageMove[] = [];

  constructor(private readonly em: EntityManager) {}

  /** The entity's context in the current configuration; makes sure its declared indexes exist (once per version). */
  async context(entity: string, maxAgeMs = 0): Promise<EntityContext> {
    const config = await currentConfig(this.em, maxAgeMs);
    const ctx = entityContext(config, entity);
    await ensureIndexesOnce(this.em, config);
    return ctx;
  }

  async create(entity: string, input: Record<string, unknown>, actor: string, pathPrefix = '', id?: string): Promise<RecordDto> {
    const recent = await this.context(entity, READ_STALENESS_MS);
    if (createsWithoutReads(recent)) {
      const created = await guarded(() => createInOneStatement(this.em, recent, input, actor, pathPrefix, id));
      if (created) {
        return toRecordDto({
          id: created.id, entity, data: created.data, version: 1, createdAt: created.at, updatedAt: created.at, createdBy: actor, updatedBy: actor,
          review: created.review,
        } as CrmRecord, recent.features.reviewRequired);
      }
    }
    const ctx = await this.context(entity);
    return guarded(() => this.em.transactional((em) => this.createIn(em, ctx, input, actor, pathPrefix, id)));
  }

  /** Creates inside the caller's transaction (bulk import uses one savepoint per row). */
  async createIn(em: EntityManager, ctx: EntityContext, input: Record<string, unknown>, actor: string, pathPrefix = '', id: string = randomUUID()): Promise<RecordDto> {
    const now = new Date();
    const { data, warnings } = await prepareData(em, ctx, { merged: input, input, current: null, prefix: pathPrefix, now, actor });
    const move = await guardStageWrite(em, ctx, { recordId: id, before: null, data, actor, now });
    const record = em.create(RecordEntity, {
      id, entity: ctx.entity, data, version: 1, configVersion: ctx.config.version,
      createdBy: actor, updatedBy: actor, createdAt: now, updatedAt: now, deletedAt: null,
      review: ctx.features.reviewRequired ? { ...unreviewed() } : null,
    });
    addAudit(em, { entity: ctx.entity, recordId: id, action: 'create', actor, changes: diffFields({}, data), at: now, ...(move ? { context: stageContext(move) } : {}) });
    await notifyRuleWarnings(em, ctx, { id, version: 1, data, actor }, warnings);
    await em.flush();
    if (move) this.stageMoves.push(move);
    return withWarnings(toRecordDto(record, ctx.features.reviewRequired), warnings);
  }

  async get(entity: string, id: string): Promise<RecordDto> {
    const config = await currentConfig(this.em, READ_STALENESS_MS);
    const ctx = entityContext(config, entity);
    const dto = toRecordDto(await this.find(this.em, entity, id), ctx.features.reviewRequired);
    const bundle = config.bundle as Pick<Bundle, 'pipelines'>;
    const pending = pipelinesOf(bundle, entity).length ? await pendingStageApproval(this.em, bundle, entity, id, dto.data) : null;
    return pending ? { ...dto, pendingStage: { to: pending.to, processId: pending.processId } } : dto;
  }

  async patch(entity: string, id: string, patch: Record<string, unknown>, actor: string, ifMatch?: number, pathPrefix = '', stage: StageWriteOptions = {}): Promise<RecordDto> {
    const ctx = await this.context(entity);
    return guarded(() => this.em.transactional(async (em) => {
      const record = await this.find(em, entity, id, true);
      checkVersion(record, ifMatch);
      const merged = applyMergePatch(record.data, patch) as Record<string, unknown>;
      await new PendingApprovals(em).assertUnlocked(id, Object.keys(diffFields(record.data, merged)), pathPrefix);
      const { data, warnings } = await prepareData(em, ctx, { merged, input: patch, current: { id, data: record.data }, prefix: pathPrefix, now: new Date(), actor });
      await notifyRuleWarnings(em, ctx, { id, version: record.version + 1, data, actor }, warnings);
      return withWarnings(await this.write(em, ctx, record, data, actor, 'update', { stage }), warnings);
    }));
  }

  /** A system write (process outcome): bypasses read-only rules, still validated; idempotent by key. */
  async systemUpdate(entity: string, id: string, set: Record<string, unknown>, actor: string, idempotencyKey: string, context: Record<string, unknown> = {}): Promise<RecordDto> {
    const ctx = await this.context(entity);
    return guarded(() => this.em.transactional(async (em) => {
      const record = await this.find(em, entity, id, true);
      const done = await em.findOne(AuditEntryEntity, { idempotencyKey });
      if (done) return toRecordDto(record, ctx.features.reviewRequired);
      const merged = applyMergePatch(record.data, set) as Record<string, unknown>;
      const { data } = await prepareData(em, ctx, { merged, input: set, current: { id, data: record.data }, prefix: '', now: new Date(), system: true });
      const processId = typeof context.processId === 'string' ? context.processId : undefined;
      return this.write(em, ctx, record, data, actor, 'update', { idempotencyKey, context, stage: { processId } });
    }));
  }

  async softDelete(entity: string, id: string, actor: string, ifMatch?: number): Promise<void> {
    await this.em.transactional(async (em) => {
      const record = await this.find(em, entity, id, true);
      checkVersion(record, ifMatch);
      if ((await new PendingApprovals(em).forRecord(id)).length) throw new DomainError('RECORD_LOCKED', `${entity} ${id} is pending approval and cannot be deleted`);
      record.deletedAt = new Date();
      record.version += 1;
      addAudit(em, { entity, recordId: id, action: 'delete', actor });
      await new StageStays(em).setRecordDeleted(id, true);
      await em.flush();
    });
  }

  /** Undoes a soft delete; unique fields are checked again (another record may have taken the value meanwhile). */
  async restore(entity: string, id: string, actor: string, ifMatch?: number): Promise<RecordDto> {
    const ctx = await this.context(entity);
    return guarded(() => this.em.transactional(async (em) => {
      const record = await this.find(em, entity, id, true, true);
      if (!record.deletedAt) throw new DomainError('CONFLICT', `${entity} ${id} is not deleted`, [{ path: '/', message: 'only deleted records can be restored' }]);
      checkVersion(record, ifMatch);
      await prepareData(em, ctx, { merged: record.data, input: {}, current: { id, data: record.data }, prefix: '', now: new Date(), system: true });
      record.deletedAt = null;
      record.version += 1;
      await new StageStays(em).setRecordDeleted(id, false);
      record.updatedBy = actor;
      record.updatedAt = new Date();
      addAudit(em, { entity, recordId: id, action: 'restore', actor });
      await em.flush();
      return toRecordDto(record, ctx.features.reviewRequired);
    }));
  }

  /** Maker-checker review of the record's current version; audited, does not change the data or the version. */
  async review(entity: string, id: string, stage: ReviewStage, actor: string, comment?: string): Promise<RecordDto> {
    const ctx = await this.context(entity);
    if (!ctx.features.reviewRequired) {
      throw new DomainError('VALIDATION_FAILED', `${entity} records are not reviewed`, [{ path: '/stage', message: 'this entity does not require review' }]);
    }
    return this.em.transactional(async (em) => {
      const record = await this.find(em, entity, id, true);
      const before = (record.review as ReviewState | null) ?? unreviewed();
      const now = new Date();
      const after = applyReview(before, stage, actor, record.updatedBy, now.toISOString());
      record.review = { ...after };
      addAudit(em, { entity, recordId: id, action: `review:${stage}`, actor, at: now, comment: comment ?? null, changes: { review: { before: before.state, after: after.state } } });
      await em.flush();
      return toRecordDto(record, true);
    });
  }

  async list(entity: string, options: ListOptions): Promise<{ items: RecordDto[]; nextCursor: string | null; total?: number }> {
    const ctx = await this.context(entity, READ_STALENESS_MS);
    const hidden = options.access?.hidden ?? [];
    const catalog = visibleCatalog(ctx.catalog, hidden);
    const { rows, nextCursor, total } = await listRows(this.em, { entity, catalog, reviewRequired: ctx.features.reviewRequired }, options);
    const items = rows.map((r) => toRecordDto(r, ctx.features.reviewRequired)).map((r) => (hidden.length ? { ...r, data: redactData(r.data, hidden) } : r));
    return { items, nextCursor, ...(total !== undefined ? { total } : {}) };
  }

  async history(entity: string, id: string) {
    await this.find(this.em, entity, id, false, true);
    const rows = await this.em.find(AuditEntryEntity, { recordId: id }, { orderBy: { at: 'asc', id: 'asc' } });
    return rows.map((r) => ({
      at: r.at.toISOString(), actor: r.actor, action: r.action, changes: r.changes,
      ...(r.comment ? { comment: r.comment } : {}), ...(Object.keys(r.context).length ? { context: r.context } : {}),
    }));
  }

  private async find(em: EntityManager, entity: string, id: string, lock = false, withDeleted = false): Promise<CrmRecord> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new DomainError('NOT_FOUND', `${entity} ${id} does not exist`);
    const record = await em.findOne(RecordEntity, { id, entity, ...(withDeleted ? {} : { deletedAt: null }) },
      lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
    if (!record) throw new DomainError('NOT_FOUND', `${entity} ${id} does not exist`);
    return record;
  }

  private async write(em: EntityManager, ctx: EntityContext, record: CrmRecord, data: Record<string, unknown>, actor: string, action: string,
    extra: { idempotencyKey?: string; context?: Record<string, unknown>; stage?: StageWriteOptions }): Promise<RecordDto> {
    const now = new Date();
    const move = await guardStageWrite(em, ctx, { recordId: record.id, before: record.data, data, actor, now, ...extra.stage });
    const changes = diffFields(record.data, data);
    record.data = data;
    record.version += 1;
    record.updatedBy = actor;
    record.updatedAt = now;
    if (ctx.features.reviewRequired && Object.keys(changes).length) record.review = { ...unreviewed() };
    const context = move ? { ...extra.context, ...stageContext(move) } : extra.context;
    addAudit(em, { entity: record.entity, recordId: record.id, action: move ? 'stage' : action, actor, changes, idempotencyKey: extra.idempotencyKey, context, at: now });
    await em.flush();
    if (move) this.stageMoves.push(move);
    return toRecordDto(record, ctx.features.reviewRequired);
  }
}

function withWarnings(dto: RecordDto, warnings: RuleWarning[]): RecordDto {
  return warnings.length ? { ...dto, warnings } : dto;
}

/** What the audit entry of a stage move records beside the field changes. */
function stageContext(move: StageMove): Record<string, unknown> {
  return { stage: { pipeline: move.pipeline, from: move.from, to: move.to, ...(move.stay.reason ? { reason: move.stay.reason } : {}) } };
}

function checkVersion(record: CrmRecord, ifMatch: number | undefined): void {
  if (ifMatch !== undefined && record.version !== ifMatch) {
    throw new DomainError('PRECONDITION_FAILED', `record is at version ${record.version}, not ${ifMatch}`);
  }
}
