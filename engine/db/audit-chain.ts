import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from './record-sql.js';

/** The `prev_hash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** One audit row as the chain hashes it: every value in the text form PostgreSQL gives it (see migration 0020). */
export interface ChainRow {
  seq: string;
  id: string;
  prevHash: string | null;
  hash: string | null;
  at: string;
  actor: string;
  action: string;
  entity: string;
  recordId: string | null;
  changes: string;
  comment: string | null;
  context: string;
  idempotencyKey: string | null;
}

function field(value: string | null): string {
  return value === null ? 'N' : `${Buffer.byteLength(value, 'utf8')}:${value}`;
}

/** The TypeScript twin of `flowcrm_audit_message`, hashed as the seal trigger does. */
export function entryHash(row: ChainRow, seq: string, prevHash: string | null): string {
  const message = 'flowcrm-audit-v1' + [prevHash, seq, row.id, row.at, row.actor, row.action, row.entity, row.recordId,
    row.changes, row.comment, row.context, row.idempotencyKey].map(field).join('');
  return createHash('sha256').update(message, 'utf8').digest('hex');
}

export type ChainProblemKind = 'edited' | 'deleted' | 'reordered' | 'unsealed';

export interface ChainProblem {
  kind: ChainProblemKind;
  /** The row's current sequence number (for `deleted`: the missing one). */
  seq: string;
  /** For `reordered`: the sequence number the row was sealed with. */
  originalSeq?: string;
  message: string;
}

export interface ChainReport {
  intact: boolean;
  rows: number;
  headSeq: string;
  headHash: string;
  problems: ChainProblem[];
}

/**
 * Checks rows fed in sequence order against their hashes and links. A row whose hash fails is `reordered` when it
 * hashes correctly under another suspect's (or a missing) sequence number, else `edited`; an original sequence number
 * that no row holds any more is `deleted`; a row whose own hash holds but whose successor does not point at it was rewritten
 * together with its hash (`edited`).
 */
export class ChainVerifier {
  private readonly suspects: ChainRow[] = [];
  private readonly missing = new Set<bigint>();
  private readonly problems: ChainProblem[] = [];
  private previous: { row: ChainRow; ok: boolean } | null = null;
  private rows = 0;

  add(row: ChainRow): void {
    this.rows++;
    if (row.hash === null) {
      this.problems.push({ kind: 'unsealed', seq: row.seq, message: `entry ${row.id} was never sealed into the chain` });
      return;
    }
    const seq = BigInt(row.seq);
    const expectedSeq = this.previous ? BigInt(this.previous.row.seq) + 1n : 1n;
    for (let s = expectedSeq; s < seq; s++) this.missing.add(s);
    const ok = entryHash(row, row.seq, row.prevHash) === row.hash;
    if (!ok) this.suspects.push(row);
    const adjacent = this.previous && BigInt(this.previous.row.seq) + 1n === seq;
    if (ok && seq === 1n && row.prevHash !== GENESIS_HASH) {
      this.problems.push({ kind: 'edited', seq: row.seq, message: 'the first entry does not start from the genesis hash' });
    } else if (ok && adjacent && this.previous!.ok && row.prevHash !== this.previous!.row.hash) {
      this.problems.push({ kind: 'edited', seq: this.previous!.row.seq, message: 'the entry and its hash were rewritten: the next entry points at another hash' });
    }
    this.previous = { row, ok };
  }

  finish(head: { seq: string; hash: string }): ChainReport {
    const last = this.previous;
    const headSeq = BigInt(head.seq);
    for (let s = last ? BigInt(last.row.seq) + 1n : 1n; s <= headSeq; s++) this.missing.add(s);
    if (last?.ok && BigInt(last.row.seq) === headSeq && last.row.hash !== head.hash) {
      this.problems.push({ kind: 'edited', seq: last.row.seq, message: 'the last entry and its hash were rewritten: the chain head holds another hash' });
    }
    // Original numbers nobody holds any more: the gaps plus the slots moved rows took, minus where moved rows came from.
    const vacant = new Set(this.missing);
    const movedFrom = new Set<bigint>();
    const candidates = [...this.suspects.map((r) => BigInt(r.seq)), ...this.missing];
    for (const row of this.suspects) {
      const original = candidates.find((c) => c !== BigInt(row.seq) && entryHash(row, c.toString(), row.prevHash) === row.hash);
      if (original === undefined) {
        this.problems.push({ kind: 'edited', seq: row.seq, message: `entry ${row.id} does not match its hash` });
      } else {
        movedFrom.add(original);
        vacant.add(BigInt(row.seq));
        this.problems.push({ kind: 'reordered', seq: row.seq, originalSeq: original.toString(), message: `entry ${row.id} was sealed as number ${original}` });
      }
    }
    for (const s of vacant) {
      if (!movedFrom.has(s)) this.problems.push({ kind: 'deleted', seq: s.toString(), message: `entry number ${s} is missing` });
    }
    this.problems.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : BigInt(a.seq) > BigInt(b.seq) ? 1 : a.kind.localeCompare(b.kind)));
    return { intact: this.problems.length === 0, rows: this.rows, headSeq: head.seq, headHash: head.hash, problems: this.problems };
  }
}

const PAGE = 5000;

/** How often every API and worker process seals the entries whose commit found the chain head taken. */
export const AUDIT_SEAL_INTERVAL_MS = 200;

/**
 * Seals every committed entry still waiting for the chain (migration 0041). `wait` waits for the chain head when a
 * commit or another sealer holds it; without it a sealer gives way and the next round seals what waits.
 */
export async function sealPendingAuditEntries(em: EntityManager, wait = true): Promise<void> {
  await runSql(em, 'insert into audit_seal_requests (wait) values ($1)', [wait], true);
}

/** Seals waiting entries every `intervalMs` until stopped; a failed round (database away) is retried next round. */
export function startAuditSealer(em: () => EntityManager, intervalMs = AUDIT_SEAL_INTERVAL_MS): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> = Promise.resolve();
  const schedule = () => {
    timer = setTimeout(() => {
      round = sealPendingAuditEntries(em(), false).catch(() => undefined).then(() => {
        if (!stopped) schedule();
      });
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await round;
    },
  };
}

/**
 * Seals what waits, then reads the whole chain in pages and verifies it. Unsealed rows (no sequence number) are
 * reported too; one that committed between the sealing and the reading is sealed and the chain read again.
 */
export async function verifyAuditChain(em: EntityManager): Promise<ChainReport> {
  for (let pass = 1; ; pass++) {
    await sealPendingAuditEntries(em);
    const report = await readAuditChain(em);
    if (pass === 3 || !report.problems.some((p) => p.kind === 'unsealed')) return report;
  }
}

async function readAuditChain(em: EntityManager): Promise<ChainReport> {
  const verifier = new ChainVerifier();
  const columns = `seq::text as seq, id::text as id, prev_hash as "prevHash", hash,
    to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at, actor, action, entity,
    record_id::text as "recordId", changes::text as changes, comment, context::text as context, idempotency_key as "idempotencyKey"`;
  for (const row of await runSql<ChainRow>(em, `select ${columns} from audit_entries where seq is null order by at, id`)) {
    verifier.add({ ...row, hash: null, seq: '0' });
  }
  let after = '0';
  for (;;) {
    const page = await runSql<ChainRow>(em, `select ${columns} from audit_entries where audit_entries.seq > $1::bigint order by audit_entries.seq limit ${PAGE}`, [after]);
    for (const row of page) verifier.add(row);
    if (page.length < PAGE) break;
    after = page[page.length - 1].seq;
  }
  const [head] = await runSql<{ seq: string; hash: string }>(em, `select seq::text as seq, hash from audit_chain where id = 1`);
  return verifier.finish(head ?? { seq: '0', hash: GENESIS_HASH });
}
