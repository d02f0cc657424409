import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';

/** The first answer to a request under one `Idempotency-Key`, as stored. */
export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface KeyRow {
  requestHash: string;
  answer: StoredAnswer | null;
  /** The claim of the request running under the key has run out: its API stopped without answering. */
  leaseExpired: boolean;
}

export interface KeyRef {
  owner: string;
  key: string;
}

export interface ClaimRequest extends KeyRef {
  method: string;
  path: string;
  requestHash: string;
  leaseMs: number;
}

type Row = { request_hash: string; status: number | null; headers: Record<string, string> | string | null; body: string | null; lease_expired: boolean };

/** Idempotency keys in PostgreSQL (table `idempotency_keys`, migration 0045): claims, leases and first answers. */
export class IdempotencyStore {
  constructor(private readonly em: EntityManager) {}

  private run<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]> {
    return this.em.getConnection().execute<T[]>(sql, params, 'all');
  }

  /** Claims the key for this request (a fresh claim id), or reads the row a request before it left. */
  async claim(request: ClaimRequest): Promise<{ claim: string } | { row: KeyRow | null }> {
    const claim = randomUUID();
    const inserted = await this.run(
      `insert into idempotency_keys (owner, key, method, path, request_hash, claim, lease_until)
       values (?, ?, ?, ?, ?, ?, now() + make_interval(secs => ?)) on conflict (owner, key) do nothing returning claim`,
      [request.owner, request.key, request.method, request.path, request.requestHash, claim, request.leaseMs / 1000],
    );
    if (inserted.length) return { claim };
    return { row: await this.read(request) };
  }

  async read({ owner, key }: KeyRef): Promise<KeyRow | null> {
    const [row] = await this.run<Row>(
      `select request_hash, status, headers, body, coalesce(lease_until < now(), false) as lease_expired
         from idempotency_keys where owner = ? and key = ?`, [owner, key]);
    if (!row) return null;
    const headers = typeof row.headers === 'string' ? JSON.parse(row.headers) as Record<string, string> : row.headers;
    return {
      requestHash: row.request_hash,
      answer: row.status === null ? null : { status: row.status, headers: headers ?? {}, body: row.body ?? '' },
      leaseExpired: row.lease_expired,
    };
  }

  /** Takes over a claim whose lease ran out; null when another retry took it first or it was answered meanwhile. */
  async takeOver({ owner, key, leaseMs }: KeyRef & { leaseMs: number }): Promise<string | null> {
    const claim = randomUUID();
    const rows = await this.run(
      `update idempotency_keys set claim = ?, lease_until = now() + make_interval(secs => ?)
        where owner = ? and key = ? and status is null and lease_until < now() returning claim`,
      [claim, leaseMs / 1000, owner, key]);
    return rows.length ? claim : null;
  }

  async renew({ owner, key, claim, leaseMs }: KeyRef & { claim: string; leaseMs: number }): Promise<void> {
    await this.run(`update idempotency_keys set lease_until = now() + make_interval(secs => ?) where owner = ? and key = ? and claim = ?`,
      [leaseMs / 1000, owner, key, claim]);
  }

  /** Stores the first answer; a claim taken over meanwhile (this API was presumed dead) stores nothing. */
  async complete({ owner, key, claim }: KeyRef & { claim: string }, answer: StoredAnswer): Promise<void> {
    await this.run(
      `update idempotency_keys set status = ?, headers = ?, body = ?, completed_at = now(), claim = null, lease_until = null
        where owner = ? and key = ? and claim = ?`,
      [answer.status, JSON.stringify(answer.headers), answer.body, owner, key, claim]);
  }

  /** Gives the key up (the request failed in a way a retry may repair): the next request with it runs afresh. */
  async release({ owner, key, claim }: KeyRef & { claim: string }): Promise<void> {
    await this.run(`delete from idempotency_keys where owner = ? and key = ? and claim = ? and status is null`, [owner, key, claim]);
  }

  /** Forgets keys older than the retention; returns how many. */
  async purge(retentionMs: number): Promise<number> {
    const rows = await this.run(`delete from idempotency_keys where created_at < now() - make_interval(secs => ?) returning key`, [retentionMs / 1000]);
    return rows.length;
  }
}
