import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DelegationEntity, UserEntity, type Delegation } from './entities.js';
import { addAudit } from './records.js';
import { DomainError } from '../domain/errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DelegationDto {
  id: string;
  from: string;
  to: string;
  startsAt: string;
  endsAt: string;
  reason: string | null;
  createdBy: string;
  revokedAt: string | null;
}

export function toDelegationDto(d: Delegation): DelegationDto {
  return {
    id: d.id, from: d.fromUser, to: d.toUser, startsAt: d.startsAt.toISOString(), endsAt: d.endsAt.toISOString(),
    reason: d.reason ?? null, createdBy: d.createdBy, revokedAt: d.revokedAt?.toISOString() ?? null,
  };
}

export interface DelegationInput {
  from: string;
  to: string;
  startsAt: string;
  endsAt: string;
  reason?: string;
}

/** Out-of-office delegations: `from`'s approvals may be decided by `to` while the range is current. */
export class DelegationRepository {
  constructor(private readonly em: EntityManager) {}

  async create(input: DelegationInput, actor: { username: string; roles: string[] }): Promise<DelegationDto> {
    if (input.from !== actor.username && !actor.roles.includes('admin')) {
      throw new DomainError('FORBIDDEN', 'only the user or an admin can delegate their approvals', [{ path: '/from', message: 'not you' }]);
    }
    if (input.from === input.to) throw new DomainError('VALIDATION_FAILED', 'a user cannot delegate to themselves', [{ path: '/to', message: 'same as from' }]);
    const startsAt = new Date(input.startsAt);
    const endsAt = new Date(input.endsAt);
    if (!(endsAt > startsAt)) throw new DomainError('VALIDATION_FAILED', 'the range ends before it starts', [{ path: '/endsAt', message: 'must be after startsAt' }]);
    return this.em.transactional(async (tx) => {
      for (const [field, username] of [['from', input.from], ['to', input.to]] as const) {
        if (!(await tx.findOne(UserEntity, { username, active: true }))) {
          throw new DomainError('VALIDATION_FAILED', `user ${username} does not exist`, [{ path: `/${field}`, message: 'unknown user' }]);
        }
      }
      const row = tx.create(DelegationEntity, {
        id: randomUUID(), fromUser: input.from, toUser: input.to, startsAt, endsAt, reason: input.reason ?? null,
        createdBy: actor.username, createdAt: new Date(), revokedAt: null,
      });
      addAudit(tx, { entity: 'delegation', recordId: row.id, action: 'create', actor: actor.username, changes: { from: { before: null, after: input.from }, to: { before: null, after: input.to } } });
      await tx.flush();
      return toDelegationDto(row);
    });
  }

  async revoke(id: string, actor: { username: string; roles: string[] }): Promise<void> {
    await this.em.transactional(async (tx) => {
      const row = UUID.test(id) ? await tx.findOne(DelegationEntity, { id, revokedAt: null }) : null;
      if (!row) throw new DomainError('NOT_FOUND', `delegation ${id} does not exist`);
      if (row.fromUser !== actor.username && !actor.roles.includes('admin')) throw new DomainError('FORBIDDEN', 'not your delegation');
      row.revokedAt = new Date();
      addAudit(tx, { entity: 'delegation', recordId: row.id, action: 'revoke', actor: actor.username });
      await tx.flush();
    });
  }

  async listFor(username: string): Promise<DelegationDto[]> {
    const rows = await this.em.find(DelegationEntity, { $or: [{ fromUser: username }, { toUser: username }], revokedAt: null }, { orderBy: { startsAt: 'asc' } });
    return rows.map(toDelegationDto);
  }

  /** Delegations current at `at` whose delegate is `to`. */
  async activeTo(to: string, at = new Date()): Promise<DelegationDto[]> {
    const rows = await this.em.find(DelegationEntity, { toUser: to, revokedAt: null, startsAt: { $lte: at }, endsAt: { $gt: at } });
    return rows.map(toDelegationDto);
  }

  /** Current delegations of any of `from`. */
  async activeFrom(from: string[], at = new Date()): Promise<DelegationDto[]> {
    if (!from.length) return [];
    const rows = await this.em.find(DelegationEntity, { fromUser: { $in: from }, revokedAt: null, startsAt: { $lte: at }, endsAt: { $gt: at } });
    return rows.map(toDelegationDto);
  }
}
