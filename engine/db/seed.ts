import type { EntityManager } from '@mikro-orm/postgresql';
import { UserEntity } from './entities.js';
import { hashPassword } from './passwords.js';
import { ConfigStore } from './config-store.js';
import { readBundleFolder, starterPackDir } from '../config-folder.js';
import { validateBundle } from '../domain/config/validate-bundle.js';

/** The demo organisation of the architecture brief: [username, roles, manager, attributes, org unit]. */
export const demoUsers: [string, string[], string | null, Record<string, unknown>, string][] = [
  ['admin', ['admin'], null, {}, 'group'],
  ['hqvp', ['head_office'], null, {}, 'group'],
  ['regiondir', ['regional_director'], 'hqvp', { region: 'east' }, 'east'],
  ['branchmgr', ['branch_manager'], 'regiondir', { branch: 'east-1' }, 'east-1'],
  ['sales1', ['sales_rep'], 'branchmgr', { branch: 'east-1' }, 'east-1'],
  ['sales2', ['sales_rep'], 'branchmgr', { branch: 'east-1' }, 'east-1'],
  // The second branch exists so that "another branch's record" exists in the demo.
  ['sales3', ['sales_rep'], 'regiondir', { branch: 'east-2' }, 'east-2'],
  ['finance', ['finance'], null, {}, 'group'],
  ['creditmgr', ['credit_manager'], null, { department: 'marketing-management' }, 'group'],
  ['credit1', ['credit_analyst'], 'creditmgr', {}, 'group'],
  ['dispatcher', ['dispatcher'], null, {}, 'group'],
  ['service1', ['service_agent'], 'dispatcher', {}, 'group'],
  ['tech1', ['technician'], 'dispatcher', { skills: ['hvac', 'electrical'] }, 'group'],
  ['tech2', ['technician'], 'dispatcher', { skills: ['mechanical'] }, 'group'],
  ['collectmgr', ['collections_manager'], null, {}, 'group'],
  ['collector1', ['collector'], 'collectmgr', {}, 'group'],
];

/** Seeds the demo users (password `demo`, demo mode only) and publishes the starter pack; safe to run twice. */
export async function seedDemo(em: EntityManager, password = 'demo'): Promise<void> {
  await em.transactional(async (tx) => {
    const hash = await hashPassword(password);
    for (const [username, roles, manager, attributes, unit] of demoUsers) {
      if (await tx.findOne(UserEntity, { username })) continue;
      tx.create(UserEntity, { username, displayName: username, roles, manager, unit, passwordHash: hash, attributes, active: true, createdAt: new Date() });
    }
    await tx.flush();
  });
  await publishStarterPack(em, 'admin');
}

export async function publishStarterPack(em: EntityManager, author: string): Promise<void> {
  const store = new ConfigStore(em);
  if (await store.latest()) return;
  const { bundle } = await readBundleFolder(starterPackDir);
  const result = validateBundle(bundle);
  if (!result.valid) throw new Error(`the starter pack is invalid: ${JSON.stringify(result.errors)}`);
  await store.publish(bundle as Record<string, unknown>, author);
}
