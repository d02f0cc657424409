import { joinPointer } from '../errors.js';
import {
  checkCelAt,
  checkField,
  checkRole,
  entityOf,
  report,
  type BundleContext,
  type EntityInfo,
} from './context.js';
import { entriesOf, isObj, itemsOf } from './json-reading.js';
import { checkDecisionTables, checkProcess } from './process-checks.js';
import { checkCalendars, checkChainFeatures } from './chain-checks.js';
import { checkUnusedScorecards } from './scorecard-checks.js';

/**
 * Cross-reference checks of approval chains and processes that a meta-schema cannot express. They read the bundle
 * defensively: parts that are malformed were already reported as SCHEMA_VIOLATION and are skipped here.
 */

export function checkChainsAndProcesses(ctx: BundleContext): void {
  for (const [name, chain] of entriesOf(ctx.bundle.approvalChains)) checkChain(ctx, name, chain);
  for (const [name, process] of entriesOf(ctx.bundle.processes)) checkProcess(ctx, name, process);
  checkDecisionTables(ctx);
  checkUnusedScorecards(ctx);
  checkCalendars(ctx);
}

function assignments(ctx: BundleContext, set: unknown, path: string, entity: EntityInfo | null | undefined): void {
  for (const [field] of entriesOf(set)) checkField(ctx, entity, field, joinPointer(path, field));
}

function uniqueStepIds(ctx: BundleContext, steps: unknown[], path: string): Set<string> {
  const ids = new Set<string>();
  steps.forEach((step, i) => {
    if (!isObj(step) || typeof step.id !== 'string') return;
    if (ids.has(step.id)) {
      report(ctx, 'DUPLICATE_STEP_ID', joinPointer(path, i, 'id'), `step id "${step.id}" is used more than once`);
    }
    ids.add(step.id);
  });
  return ids;
}

function checkChain(ctx: BundleContext, name: string, chain: unknown): void {
  if (!isObj(chain)) return;
  const path = joinPointer('/approvalChains', name);
  const entity = entityOf(ctx, chain, path);
  checkCelAt(ctx, chain.entry, joinPointer(path, 'entry'), entity, 'bool');
  itemsOf(chain.lock).forEach((f, i) => checkField(ctx, entity, f, joinPointer(path, 'lock', i)));
  const steps = itemsOf(chain.steps);
  uniqueStepIds(ctx, steps, joinPointer(path, 'steps'));
  steps.forEach((step, i) => {
    if (!isObj(step)) return;
    const at = joinPointer(path, 'steps', i);
    checkCelAt(ctx, step.when, joinPointer(at, 'when'), entity, 'bool');
    if (Array.isArray(step.approvers)) {
      step.approvers.forEach((spec, j) => checkRole(ctx, spec, joinPointer(at, 'approvers', j)));
    } else {
      checkRole(ctx, step.approvers, joinPointer(at, 'approvers'));
    }
    if (isObj(step.timeout)) checkRole(ctx, step.timeout.to, joinPointer(at, 'timeout', 'to'));
  });
  for (const outcome of ['onSubmit', 'onApproved', 'onRejected', 'onRecall']) {
    const update = chain[outcome];
    if (isObj(update)) assignments(ctx, update.set, joinPointer(path, outcome, 'set'), entity);
  }
  checkChainFeatures(ctx, chain, path, entity);
}
