import { joinPointer } from '../errors.js';
import type { CelExpectation } from './cel-check.js';
import { checkCelAt, report, type BundleContext } from './context.js';
import { entriesOf, isObj, itemsOf, type Obj } from './json-reading.js';

/** Checks an expression at a path; a process's checker types it against the process (see process-checks.ts). */
export type CelChecker = (expression: unknown, path: string, expect?: CelExpectation) => void;

/** Scorecards of `scorecards` named by score steps, per bundle under check: their expressions are typed there. */
export const scorecardsUsed = new WeakMap<BundleContext, Set<string>>();

/**
 * A scorecard, inline at `at` or named: item conditions yield bool, computed points a number; item ids, group ids and
 * grade minimums are distinct; groups named by items and parents exist and have no parent cycle.
 */
export function checkScorecard(ctx: BundleContext, card: Obj, at: string, cel: CelChecker): void {
  const ids = new Set<string>();
  itemsOf(card.items).forEach((item, i) => {
    if (!isObj(item)) return;
    const itemAt = joinPointer(at, 'items', i);
    cel(item.when, joinPointer(itemAt, 'when'), 'bool');
    if (typeof item.points === 'string') cel(item.points, joinPointer(itemAt, 'points'), 'number');
    if (typeof item.id === 'string' && ids.has(item.id)) report(ctx, 'DUPLICATE_VALUE', joinPointer(itemAt, 'id'), `item "${item.id}" appears twice`);
    if (typeof item.id === 'string') ids.add(item.id);
  });
  const minimums = new Set<number>();
  itemsOf(card.grades).forEach((grade, i) => {
    if (!isObj(grade) || typeof grade.min !== 'number') return;
    if (minimums.has(grade.min)) report(ctx, 'DUPLICATE_VALUE', joinPointer(at, 'grades', i, 'min'), `two grades start at ${grade.min}`);
    minimums.add(grade.min);
  });
  checkGroups(ctx, card, at);
}

function checkGroups(ctx: BundleContext, card: Obj, at: string): void {
  const parents = new Map<string, unknown>();
  itemsOf(card.groups).forEach((group, i) => {
    if (!isObj(group) || typeof group.id !== 'string') return;
    if (parents.has(group.id)) report(ctx, 'DUPLICATE_VALUE', joinPointer(at, 'groups', i, 'id'), `group "${group.id}" appears twice`);
    else parents.set(group.id, group.parent);
  });
  const known = (name: unknown, path: string, what: string) => {
    if (typeof name === 'string' && !parents.has(name)) report(ctx, 'INVALID_SCORECARD', path, `${what} "${name}" is not a group of this scorecard`);
  };
  itemsOf(card.groups).forEach((group, i) => {
    if (!isObj(group)) return;
    known(group.parent, joinPointer(at, 'groups', i, 'parent'), 'parent');
    const seen = new Set<unknown>([group.id]);
    for (let parent = group.parent; typeof parent === 'string' && parents.has(parent); parent = parents.get(parent)) {
      if (seen.has(parent)) {
        report(ctx, 'INVALID_SCORECARD', joinPointer(at, 'groups', i, 'parent'), `group "${String(group.id)}" is its own ancestor`);
        break;
      }
      seen.add(parent);
    }
  });
  itemsOf(card.items).forEach((item, i) => {
    if (isObj(item)) known(item.group, joinPointer(at, 'items', i, 'group'), 'group');
  });
}

/** A score step's scorecard by name: it must exist; its expressions are typed against the process that uses it. */
export function checkNamedScorecard(ctx: BundleContext, name: string, at: string, cel: CelChecker): void {
  const cards = isObj(ctx.bundle.scorecards) ? ctx.bundle.scorecards : {};
  if (!Object.hasOwn(cards, name)) {
    report(ctx, 'UNKNOWN_SCORECARD', at, `scorecard "${name}" is not defined in scorecards`);
    return;
  }
  const used = scorecardsUsed.get(ctx) ?? new Set<string>();
  scorecardsUsed.set(ctx, used.add(name));
  const card = cards[name];
  if (isObj(card)) checkScorecard(ctx, card, joinPointer('/scorecards', name), cel);
}

/** Scorecards no process uses are checked untyped (syntax and result type); the used ones were checked by their users. */
export function checkUnusedScorecards(ctx: BundleContext): void {
  for (const [name, card] of entriesOf(ctx.bundle.scorecards)) {
    if (!isObj(card) || scorecardsUsed.get(ctx)?.has(name)) continue;
    checkScorecard(ctx, card, joinPointer('/scorecards', name), (expression, path, expect) => checkCelAt(ctx, expression, path, undefined, expect));
  }
}
