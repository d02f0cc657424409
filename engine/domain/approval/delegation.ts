import { parseInstant } from '../calendar/instant.js';
import type { Delegation } from './types.js';

/** Whether a delegation is in force at `atMs`: from `startsAt` (inclusive) to `endsAt` (exclusive). */
function inForce(d: Delegation, atMs: number): boolean {
  return parseInstant(d.startsAt) <= atMs && atMs < parseInstant(d.endsAt);
}

/**
 * The delegation `from` has in force at `atIso`: when several overlap, the one that started last wins, then the
 * earliest in the list. Self-delegations are ignored.
 */
export function activeDelegation(from: string, delegations: Delegation[], atIso: string): Delegation | undefined {
  const at = parseInstant(atIso);
  let best: Delegation | undefined;
  for (const d of delegations) {
    if (d.from !== from || d.to === from || !inForce(d, at)) continue;
    if (!best || parseInstant(d.startsAt) > parseInstant(best.startsAt)) best = d;
  }
  return best;
}

/**
 * Who stands in for `original` at `atIso`, following delegations transitively (A -> B -> C when B is away too),
 * `original` first. The walk stops before a cycle and before the requester: a task is never routed to someone such
 * that the requester could decide it.
 */
export function delegationChain(original: string, delegations: Delegation[], atIso: string, requester?: string): string[] {
  const chain = [original];
  for (;;) {
    const next = activeDelegation(chain[chain.length - 1], delegations, atIso);
    if (!next || chain.includes(next.to) || next.to === requester) return chain;
    chain.push(next.to);
  }
}

/** The user a task for `original` is assigned to at `atIso` (the end of delegationChain). */
export function effectiveAssignee(original: string, delegations: Delegation[], atIso: string, requester?: string): string {
  const chain = delegationChain(original, delegations, atIso, requester);
  return chain[chain.length - 1];
}
