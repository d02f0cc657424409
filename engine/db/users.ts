import type { EntityManager } from '@mikro-orm/postgresql';
import { UserEntity, type User } from './entities.js';
import { verifyPassword } from './passwords.js';
import type { OrgUser } from '../domain/approval/index.js';

export interface PublicUser {
  username: string;
  displayName: string;
  roles: string[];
  manager: string | null;
}

export function toPublicUser(u: User): PublicUser {
  return { username: u.username, displayName: u.displayName, roles: u.roles, manager: u.manager ?? null };
}

export class UserRepository {
  constructor(private readonly em: EntityManager) {}

  async authenticate(username: string, password: string): Promise<PublicUser | null> {
    const user = await this.em.findOne(UserEntity, { username, active: true });
    if (!user || !(await verifyPassword(password, user.passwordHash))) return null;
    return toPublicUser(user);
  }

  async find(username: string): Promise<PublicUser | null> {
    const user = await this.em.findOne(UserEntity, { username });
    return user ? toPublicUser(user) : null;
  }

  /** The org tree as the approval routing sees it. */
  async directory(): Promise<OrgUser[]> {
    const users = await this.em.find(UserEntity, {}, { orderBy: { username: 'asc' } });
    return users.map((u) => ({ username: u.username, roles: u.roles, manager: u.manager ?? null, active: u.active }));
  }
}
