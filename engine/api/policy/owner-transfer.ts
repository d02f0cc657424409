import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, joinPointer, type ErrorDetail } from '../../domain/errors.js';
import { OWNER_FIELD } from '../../domain/access/permissions.js';
import { unitsOf, type AccessPolicy, type Ownership } from './access.js';

/** One owner a write asks for: the value it names and the pointer to report it at. */
export interface OwnerWrite {
  value: unknown;
  path: string;
}

/** The owners named by a record body, the rows of a JSON import or the `owner` column of a CSV import. */
export function ownerWrites(kind: 'data' | 'import', body: unknown, prefix = ''): OwnerWrite[] {
  const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  if (kind === 'data') return isObject(body) && Object.hasOwn(body, OWNER_FIELD) ? [{ value: body[OWNER_FIELD], path: joinPointer(prefix, OWNER_FIELD) }] : [];
  if (!Array.isArray(body)) return [];
  return body.flatMap((row, i) => (isObject(row) && Object.hasOwn(row, OWNER_FIELD) ? [{ value: row[OWNER_FIELD], path: joinPointer(`/${i}`, OWNER_FIELD) }] : []));
}

/** The owners of a CSV import's `owner` column, by row (the header is row 0). */
export function csvOwnerWrites(rows: string[][]): OwnerWrite[] {
  const column = (rows[0] ?? []).findIndex((h) => h.trim() === OWNER_FIELD);
  if (column < 0) return [];
  return rows.slice(1).map((row, i) => ({ value: row[column] ?? '', path: `/${i}/${OWNER_FIELD}` }));
}

/**
 * Reassigning a record (Salesforce's Transfer Record): naming an owner other than the record's current one (or, for
 * new records, other than yourself) needs write access to `owner`, and the new owner must be within your update
 * scope so that nobody hands a record out of their own reach. `existing` is the record a PATCH changes.
 */
export async function assertOwnerWrites(em: EntityManager, policy: AccessPolicy, entity: string, writes: OwnerWrite[], existing?: Ownership): Promise<void> {
  if (!writes.length) return;
  const me = policy.user.username;
  const access = policy.grant(entity).fields[OWNER_FIELD] ?? 'write';
  const ownerAfter = (value: unknown) => (typeof value === 'string' && value ? value : value === null || value === '' ? existing?.createdBy ?? me : null);
  const unchanged = existing?.owner ?? me;
  const refused: ErrorDetail[] = [];
  const targets: { owner: string; path: string }[] = [];
  for (const write of writes) {
    const owner = ownerAfter(write.value);
    if (owner === unchanged && access !== 'hidden') continue;
    if (access !== 'write') refused.push({ path: write.path, message: 'reassigning the owner needs write access to owner (transfer)' });
    else if (owner !== null && owner !== me) targets.push({ owner, path: write.path });
  }
  if (targets.length && policy.scope(entity, 'update') !== 'all') {
    const units = await unitsOf(em, [...new Set(targets.map((t) => t.owner))]);
    for (const { owner, path } of targets) {
      // an unknown user is left to validation (UNKNOWN_USER)
      if (units.has(owner) && !policy.reaches(entity, 'update', owner, units.get(owner) ?? null)) {
        refused.push({ path, message: `${owner} is outside the records your roles may update` });
      }
    }
  }
  if (refused.length) throw new DomainError('FORBIDDEN_FIELD', 'your roles may not reassign these records', refused);
}
