import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../domain/errors.js';
import { RecordRepository } from './records.js';
import type { EntityContext } from './record-write.js';
import type { StageMove } from './stage-guard.js';

/** What follows the commit of an import's stage moves (their stale clocks): given by the API. */
export type AfterImport = (moves: StageMove[]) => Promise<void>;

export type ImportMode = 'all-or-nothing' | 'valid-only';

export interface ImportRowError {
  /** 1-based position of the row in the import (for CSV: the data row after the header). */
  row: number;
  path: string;
  message: string;
}

export interface ImportResult {
  imported: number;
  failed: number;
  errors: ImportRowError[];
}

export interface ImportJob extends ImportResult {
  id: string;
  entity: string;
  owner: string;
  mode: ImportMode;
  total: number;
  processed: number;
  /** running, then completed (rows written), rejected (all-or-nothing with failures: nothing written) or error. */
  status: 'running' | 'completed' | 'rejected' | 'error';
}

/** Errors list at most this many entries; `failed` still counts every failed row. */
const MAX_ERRORS = 1000;

class Rejected extends Error {}

/**
 * Imports rows in one transaction, each row in its own savepoint, through the same checks as a single create
 * (numbering, computed fields, references, unique values, audit). all-or-nothing rolls everything back when any row
 * fails; valid-only keeps the rows that passed.
 */
export async function importRows(em: EntityManager, ctx: EntityContext, rows: unknown[], actor: string, mode: ImportMode,
  onProgress: (progress: { processed: number; imported: number; failed: number }) => void = () => undefined, afterCommit?: AfterImport): Promise<ImportResult> {
  const result: ImportResult = { imported: 0, failed: 0, errors: [] };
  const repo = new RecordRepository(em);
  try {
    await em.transactional(async (tx) => {
      for (const [index, row] of rows.entries()) {
        const problems = await importOne(tx, repo, ctx, row, actor);
        if (problems.length) {
          result.failed++;
          result.errors.push(...problems.slice(0, Math.max(0, MAX_ERRORS - result.errors.length)).map((p) => ({ row: index + 1, ...p })));
        } else {
          result.imported++;
        }
        onProgress({ processed: index + 1, imported: result.imported, failed: result.failed });
      }
      if (mode === 'all-or-nothing' && result.failed) throw new Rejected();
    });
  } catch (error) {
    if (!(error instanceof Rejected)) throw error;
    result.imported = 0;
    return result;
  }
  if (afterCommit && repo.stageMoves.length) await afterCommit(repo.stageMoves.splice(0));
  return result;
}

async function importOne(tx: EntityManager, repo: RecordRepository, ctx: EntityContext, row: unknown, actor: string): Promise<{ path: string; message: string }[]> {
  if (!row || typeof row !== 'object' || Array.isArray(row)) return [{ path: '', message: 'each row must be an object of field values' }];
  const moves = repo.stageMoves.length;
  try {
    await tx.transactional((inner) => repo.createIn(inner, ctx, row as Record<string, unknown>, actor, ''));
    return [];
  } catch (error) {
    repo.stageMoves.length = moves; // the row's savepoint was rolled back, its stage move with it
    if (!(error instanceof DomainError)) throw error;
    return error.details.length ? error.details.map((d) => ({ path: d.path, message: d.message })) : [{ path: '', message: error.message }];
  }
}

/** In-process registry of background imports: lost on restart, not shared between API replicas. */
const jobs = new Map<string, ImportJob>();
const KEEP_FINISHED = 100;

export function startImportJob(em: EntityManager, ctx: EntityContext, rows: unknown[], actor: string, mode: ImportMode, afterCommit?: AfterImport): ImportJob {
  const job: ImportJob = { id: randomUUID(), entity: ctx.entity, owner: actor, mode, total: rows.length, processed: 0, imported: 0, failed: 0, errors: [], status: 'running' };
  jobs.set(job.id, job);
  for (const [id, old] of jobs) {
    if (jobs.size <= KEEP_FINISHED) break;
    if (old.status !== 'running') jobs.delete(id);
  }
  importRows(em, ctx, rows, actor, mode, (p) => Object.assign(job, p), afterCommit)
    .then((result) => Object.assign(job, result, { status: mode === 'all-or-nothing' && result.failed ? 'rejected' : 'completed' }))
    .catch((error: unknown) => Object.assign(job, { status: 'error', errors: [{ row: 0, path: '', message: (error as Error).message }] }));
  return job;
}

export function importJob(id: string, entity: string, user: { username: string; roles: string[] }): ImportJob {
  const job = jobs.get(id);
  if (!job || job.entity !== entity || (job.owner !== user.username && !user.roles.includes('admin'))) {
    throw new DomainError('NOT_FOUND', `import ${id} does not exist`);
  }
  return job;
}
