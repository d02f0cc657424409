import { expect } from 'vitest';
import { DomainError } from '../../engine/domain/errors.js';
import type { Directory } from '../../engine/domain/approval/index.js';

/** The demo organisation of docs/architecture.md. */
export const demo: Directory = [
  { username: 'admin', roles: ['admin'], manager: null },
  { username: 'sales1', roles: ['sales_rep'], manager: 'branchmgr' },
  { username: 'sales2', roles: ['sales_rep'], manager: 'branchmgr' },
  { username: 'branchmgr', roles: ['branch_manager'], manager: 'regiondir' },
  { username: 'regiondir', roles: ['regional_director'], manager: 'hqvp' },
  { username: 'hqvp', roles: ['head_office'], manager: null },
  { username: 'finance', roles: ['finance'], manager: null },
  { username: 'credit1', roles: ['credit_analyst'], manager: 'creditmgr' },
  { username: 'creditmgr', roles: ['credit_manager'], manager: null },
  { username: 'service1', roles: ['service_agent'], manager: 'dispatcher' },
  { username: 'dispatcher', roles: ['dispatcher'], manager: null },
  { username: 'tech1', roles: ['technician'], manager: 'dispatcher' },
  { username: 'tech2', roles: ['technician'], manager: 'dispatcher' },
  { username: 'collector1', roles: ['collector'], manager: 'collectmgr' },
  { username: 'collectmgr', roles: ['collections_manager'], manager: null },
];

/** Runs `fn` and returns the DomainError it throws; fails the test when it throws nothing else. */
export function thrown(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}
