import { randomUUID } from 'node:crypto';
import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { RecordEntity, AuditEntryEntity, type CrmRecord } from './entities.js';
import { ConfigStore } from './config-store.js';
import { entityRules, validateUserData, validateData } from './record-validation.js';
import { applyMergePatch } from '../domain/records/merge-patch.js';
import { diffFields } from '../domain/records/diff.js';
import { DomainError } from '../domain/errors.js';

export interface RecordDto {
  id: string;
  entity: string;
  data: Record<string, unknown>;
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
}

export function toRecordDto(r: CrmRecord): RecordDto {
  return {
    id: r.id,
    entity: r.entity,
    data: r.data,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    createdBy: r.createdBy,
    updatedBy: r.updatedBy,
  };
}

export interface AuditInput {
  entity: string;
  recordId: string;
  action: string;
  actor: string;
  changes?: Record<string, unknown>;
  comment?: string | null;
  context?: Record<string, unknown>;
  idempotencyKey?: string | null;
  at?: Date;
}

export function addAudit(em: EntityManager, entry: AuditInput): void {
  em.create(AuditEntryEntity, {
    id: randomUUID(),
    entity: entry.entity,
    recordId: entry.recordId,
    action: entry.action,
    actor: entry.actor,
    at: entry.at ?? new Date(),
    changes: entry.changes ?? {},
    comment: entry.comment ?? null,
    context: entry.context ?? {},
    idempotencyKey: entry.idempotencyKey ?? null,
  });
}

/** Records of any configured entity; every write is validated, transactional and audited. */
export class RecordRepository {
  constructor(private readonly em: EntityManager) {}

  async create(entity: string, input: Record<string, unknown>, actor: string, pathPrefix = ''): Promise<RecordDto> {
    const config = await new ConfigStore(this.em).current();
    const data = validateUserData(entityRules(config, entity), input, null, pathPrefix);
    return this.em.transactional(async (em) => {
      const now = new Date();
      const record = em.create(RecordEntity, {
        id: randomUUID(), entity, data, version: 1, configVersion: config.version,
        createdBy: actor, updatedBy: actor, createdAt: now, updatedAt: now, deletedAt: null,
      });
      addAudit(em, { entity, recordId: record.id, action: 'create', actor, changes: diffFields({}, data), at: now });
      await em.flush();
      return toRecordDto(record);
    });
  }

  async get(entity: string, id: string): Promise<RecordDto> {
    return toRecordDto(await this.find(this.em, entity, id));
  }

  async patch(entity: string, id: string, patch: Record<string, unknown>, actor: string, ifMatch?: number, pathPrefix = ''): Promise<RecordDto> {
    const config = await new ConfigStore(this.em).current();
    const rules = entityRules(config, entity);
    return this.em.transactional(async (em) => {
      const record = await this.find(em, entity, id, true);
      if (ifMatch !== undefined && record.version !== ifMatch) {
        throw new DomainError('PRECONDITION_FAILED', `record is at version ${record.version}, not ${ifMatch}`);
      }
      const next = applyMergePatch(record.data, patch) as Record<string, unknown>;
      const data = validateUserData(rules, next, record.data, pathPrefix);
      return this.write(em, record, data, actor, 'update', {});
    });
  }

  /** A system write (process outcome): bypasses read-only rules, still validated; idempotent by key. */
  async systemUpdate(entity: string, id: string, set: Record<string, unknown>, actor: string, idempotencyKey: string, context: Record<string, unknown> = {}): Promise<RecordDto> {
    const config = await new ConfigStore(this.em).current();
    return this.em.transactional(async (em) => {
      const record = await this.find(em, entity, id, true);
      const done = await em.findOne(AuditEntryEntity, { idempotencyKey });
      if (done) return toRecordDto(record);
      const data = applyMergePatch(record.data, set) as Record<string, unknown>;
      const problems = validateData(entityRules(config, entity), data, '');
      if (problems.length) throw new DomainError('VALIDATION_FAILED', 'the process update is invalid', problems);
      return this.write(em, record, data, actor, 'update', { idempotencyKey, context });
    });
  }

  async softDelete(entity: string, id: string, actor: string, ifMatch?: number): Promise<void> {
    await this.em.transactional(async (em) => {
      const record = await this.find(em, entity, id, true);
      if (ifMatch !== undefined && record.version !== ifMatch) {
        throw new DomainError('PRECONDITION_FAILED', `record is at version ${record.version}, not ${ifMatch}`);
      }
      record.deletedAt = new Date();
      record.version += 1;
      addAudit(em, { entity, recordId: id, action: 'delete', actor });
      await em.flush();
    });
  }

  async list(entity: string, options: { limit: number; offset: number; sort?: string }): Promise<{ items: RecordDto[]; nextOffset: number | null }> {
    const config = await new ConfigStore(this.em).current();
    entityRules(config, entity);
    const rows = await this.em.find(RecordEntity, { entity, deletedAt: null }, {
      orderBy: sortOrder(options.sort), limit: options.limit + 1, offset: options.offset,
    });
    const items = rows.slice(0, options.limit).map(toRecordDto);
    return { items, nextOffset: rows.length > options.limit ? options.offset + options.limit : null };
  }

  async history(entity: string, id: string) {
    await this.find(this.em, entity, id);
    const rows = await this.em.find(AuditEntryEntity, { recordId: id }, { orderBy: { at: 'asc', id: 'asc' } });
    return rows.map((r) => ({
      at: r.at.toISOString(), actor: r.actor, action: r.action, changes: r.changes,
      ...(r.comment ? { comment: r.comment } : {}), ...(Object.keys(r.context).length ? { context: r.context } : {}),
    }));
  }

  private async find(em: EntityManager, entity: string, id: string, lock = false): Promise<CrmRecord> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new DomainError('NOT_FOUND', `${entity} ${id} does not exist`);
    const record = await em.findOne(RecordEntity, { id, entity, deletedAt: null },
      lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
    if (!record) throw new DomainError('NOT_FOUND', `${entity} ${id} does not exist`);
    return record;
  }

  private async write(em: EntityManager, record: CrmRecord, data: Record<string, unknown>, actor: string, action: string,
    extra: { idempotencyKey?: string; context?: Record<string, unknown> }): Promise<RecordDto> {
    const changes = diffFields(record.data, data);
    record.data = data;
    record.version += 1;
    record.updatedBy = actor;
    record.updatedAt = new Date();
    addAudit(em, { entity: record.entity, recordId: record.id, action, actor, changes, ...extra });
    await em.flush();
    return toRecordDto(record);
  }
}

function sortOrder(sort: string | undefined): Record<string, 'asc' | 'desc'> {
  if (!sort || sort === 'createdAt' || sort === '-createdAt') {
    const dir = sort?.startsWith('-') ? 'desc' : 'asc';
    return { createdAt: dir, id: dir };
  }
  const dir = sort.startsWith('-') ? 'desc' : 'asc';
  const field = sort.replace(/^-/, '');
  if (field === 'updatedAt') return { updatedAt: dir, id: dir };
  throw new DomainError('VALIDATION_FAILED', `sorting by "${field}" is not supported yet`, [{ path: '/sort', message: 'use createdAt or updatedAt' }]);
}
