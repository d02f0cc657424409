import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../domain/errors.js';
import { RecordEntity } from './entities.js';
import { uuidFromKey } from './uuid-from-key.js';
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

async function importOne(tx: EntityManager, repo: RecordRepository, ctx: EntityContext, row: unknown, actor: string, id?: string): Promise<{ path: string; message: string }[]> {
  if (!row || typeof row !== 'object' || Array.isArray(row)) return [{ path: '', message: 'each row must be an object of field values' }];
  if (id && await tx.findOne(RecordEntity, { id })) return []; // written by an earlier run of the same job
  const moves = repo.stageMoves.length;
  try {
    await tx.transactional((inner) => repo.createIn(inner, ctx, row as Record<string, unknown>, actor, '', id));
    return [];
  } catch (error) {
    repo.stageMoves.length = moves; // the row's savepoint was rolled back, its stage move with it
    if (!(error instanceof DomainError)) throw error;
    return error.details.length ? error.details.map((d) => ({ path: d.path, message: d.message })) : [{ path: '', message: error.message }];
  }
}

/** A job holds its claim this long without renewing; another replica resumes a job whose lease ran out. */
const LEASE_MS = 15_000;
/** valid-only jobs commit this many rows with their progress at a time. */
const CHUNK = 100;

type JobRow = { id: string; entity: string; owner: string; mode: ImportMode; total: number; rows: unknown[] | string; processed: number; imported: number; failed: number; errors: ImportRowError[] | string; status: ImportJob['status']; claim: string };

function jobOf(row: JobRow): ImportJob & { rows: unknown[]; claim: string } {
  const parse = <T>(v: T | string): T => (typeof v === 'string' ? JSON.parse(v) as T : v);
  return { ...row, rows: parse(row.rows), errors: parse(row.errors) };
}

const sql = (em: EntityManager) => em.getConnection();

/**
 * Starts a background import, durable in `import_jobs` (migration 0046): the rows and the progress live in
 * PostgreSQL, so the job survives the API that started it (see `resumeImportJobs`).
 */
export async function startImportJob(em: EntityManager, ctx: EntityContext, rows: unknown[], actor: string, mode: ImportMode, afterCommit?: AfterImport): Promise<ImportJob> {
  const id = randomUUID();
  const claim = randomUUID();
  const [row] = await sql(em).execute<JobRow[]>(
    `insert into import_jobs (id, entity, owner, mode, total, rows, status, claim, lease_until)
     values (?, ?, ?, ?, ?, ?::jsonb, 'running', ?, now() + make_interval(secs => ?)) returning *`,
    [id, ctx.entity, actor, mode, rows.length, JSON.stringify(rows), claim, LEASE_MS / 1000], 'all');
  const job = jobOf(row);
  void runImportJob(em, ctx, job, afterCommit);
  return { ...job, rows: undefined } as unknown as ImportJob;
}

/**
 * Runs (or resumes) a job under its claim. valid-only: chunks of rows, each committed together with the progress that
 * counts it, every row with an id derived from job and position, so a resumed job neither skips nor repeats a row.
 * all-or-nothing: one transaction as for a small import; a resumed job starts it again from the first row.
 */
async function runImportJob(em: EntityManager, ctx: EntityContext, job: ImportJob & { rows: unknown[]; claim: string }, afterCommit?: AfterImport): Promise<void> {
  const renewal = setInterval(() => {
    void sql(em.fork()).execute(`update import_jobs set lease_until = now() + make_interval(secs => ?) where id = ? and claim = ?`, [LEASE_MS / 1000, job.id, job.claim]).catch(() => undefined);
  }, LEASE_MS / 3);
  renewal.unref();
  const finish = (status: ImportJob['status'], patch: Partial<ImportResult> = {}) => sql(em.fork()).execute(
    `update import_jobs set status = ?, imported = coalesce(?, imported), failed = coalesce(?, failed), errors = coalesce(?::jsonb, errors),
       processed = case when ? then total else processed end, claim = null, lease_until = null, updated_at = now(), rows = '[]'::jsonb
     where id = ? and claim = ?`,
    [status, patch.imported ?? null, patch.failed ?? null, patch.errors ? JSON.stringify(patch.errors) : null, status !== 'error', job.id, job.claim]);
  try {
    if (job.mode === 'all-or-nothing') {
      let reported = 0;
      const result = await importRows(em.fork(), ctx, job.rows, job.owner, job.mode, (p) => {
        if (p.processed - reported < CHUNK && p.processed !== job.total) return;
        reported = p.processed;
        void sql(em.fork()).execute(`update import_jobs set processed = ?, imported = ?, failed = ?, updated_at = now() where id = ? and claim = ?`,
          [p.processed, p.imported, p.failed, job.id, job.claim]).catch(() => undefined);
      }, afterCommit);
      await finish(result.failed ? 'rejected' : 'completed', result);
      return;
    }
    let errorsKept = job.errors.length;
    for (let from = job.processed; from < job.total; from += CHUNK) {
      const repo = new RecordRepository(em.fork());
      const chunk = { imported: 0, failed: 0, errors: [] as ImportRowError[] };
      const held = await em.fork().transactional(async (tx) => {
        for (let index = from; index < Math.min(from + CHUNK, job.total); index++) {
          const problems = await importOne(tx, repo, ctx, job.rows[index], job.owner, uuidFromKey(`import:${job.id}:${index}`));
          if (!problems.length) {
            chunk.imported++;
            continue;
          }
          chunk.failed++;
          const room = Math.max(0, MAX_ERRORS - errorsKept - chunk.errors.length);
          chunk.errors.push(...problems.slice(0, room).map((p) => ({ row: index + 1, ...p })));
        }
        const updated = await tx.getConnection().execute<{ id: string }[]>(
          `update import_jobs set processed = ?, imported = imported + ?, failed = failed + ?, errors = errors || ?::jsonb, updated_at = now()
            where id = ? and claim = ? returning id`,
          [Math.min(from + CHUNK, job.total), chunk.imported, chunk.failed, JSON.stringify(chunk.errors), job.id, job.claim], 'all', tx.getTransactionContext());
        if (!updated.length) throw new Rejected(); // another replica took the job over: this chunk is its to write
        return true;
      }).catch((error: unknown) => (error instanceof Rejected ? false : Promise.reject(error)));
      if (!held) return;
      errorsKept += chunk.errors.length;
      if (afterCommit && repo.stageMoves.length) await afterCommit(repo.stageMoves.splice(0));
    }
    await finish('completed');
  } catch (error) {
    await finish('error', { errors: [{ row: 0, path: '', message: (error as Error).message }] }).catch(() => undefined);
  } finally {
    clearInterval(renewal);
  }
}

/**
 * Resumes the jobs whose API died (lease run out): claims them one by one and runs them here, in the configuration
 * current now. Every API replica calls this now and then; the claim makes sure one of them runs a job.
 */
export async function resumeImportJobs(em: EntityManager, contextOf: (entity: string) => Promise<EntityContext>, afterCommit?: AfterImport): Promise<number> {
  let resumed = 0;
  for (;;) {
    const [row] = await sql(em).execute<JobRow[]>(
      `update import_jobs set claim = ?, lease_until = now() + make_interval(secs => ?)
        where id = (select id from import_jobs where status = 'running' and lease_until < now() order by created_at limit 1 for update skip locked)
        returning *`, [randomUUID(), LEASE_MS / 1000], 'all');
    if (!row) return resumed;
    resumed++;
    const job = jobOf(row);
    void contextOf(job.entity).then((ctx) => runImportJob(em, ctx, job, afterCommit), async (error: Error) => {
      await sql(em.fork()).execute(`update import_jobs set status = 'error', errors = ?::jsonb, claim = null where id = ? and claim = ?`,
        [JSON.stringify([{ row: 0, path: '', message: error.message }]), job.id, job.claim]);
    });
  }
}

export async function importJob(em: EntityManager, id: string, entity: string, user: { username: string; roles: string[] }): Promise<ImportJob> {
  const [row] = await sql(em).execute<JobRow[]>(
    `select id, entity, owner, mode, total, '[]'::jsonb as rows, processed, imported, failed, errors, status, claim from import_jobs where id = ?`, [id], 'all');
  if (!row || row.entity !== entity || (row.owner !== user.username && !user.roles.includes('admin'))) {
    throw new DomainError('NOT_FOUND', `import ${id} does not exist`);
  }
  const { rows: _rows, claim: _claim, ...job } = jobOf(row);
  return job;
}
