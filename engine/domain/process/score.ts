import type { Scorecard, ScorecardItem } from '../config/process-types.js';

export interface ScoredItem {
  id: string;
  counted: boolean;
  points: number;
  weight: number;
  weighted: number;
}

export interface ScoreResult {
  total: number;
  grade: string | null;
  /** Which answers gave which points: stored with the result. */
  items: ScoredItem[];
  /** Only for scorecards with groups: the weighted points of each group, its sub-groups' items included. */
  groups?: Record<string, number>;
}

/**
 * Adds up a scorecard: each item that counts gives its points times its weight; the grade is the band with the
 * highest minimum the total reaches (none below the lowest). `rate` tells whether an item counts and its points.
 */
export function scoreCard(card: Scorecard, rate: (item: ScorecardItem, index: number) => { counted: boolean; points: number }): ScoreResult {
  const items = card.items.map((item, i) => {
    const { counted, points } = rate(item, i);
    const weight = item.weight ?? 1;
    return { id: item.id, counted, points: counted ? points : 0, weight, weighted: counted ? round(points * weight) : 0 };
  });
  const total = round(items.reduce((sum, item) => sum + item.weighted, 0));
  const band = [...(card.grades ?? [])].sort((a, b) => b.min - a.min).find((g) => total >= g.min);
  const result: ScoreResult = { total, grade: band?.grade ?? null, items };
  if (card.groups?.length) result.groups = groupTotals(card, items);
  return result;
}

/** Each item's weighted points go to its group and every ancestor of it (a parent cycle is cut where it repeats). */
function groupTotals(card: Scorecard, items: ScoredItem[]): Record<string, number> {
  const parent = new Map((card.groups ?? []).map((g) => [g.id, g.parent]));
  const totals: Record<string, number> = Object.fromEntries((card.groups ?? []).map((g) => [g.id, 0]));
  card.items.forEach((item, i) => {
    const seen = new Set<string>();
    for (let group = item.group; group !== undefined && parent.has(group) && !seen.has(group); group = parent.get(group)) {
      seen.add(group);
      totals[group] = round(totals[group] + items[i].weighted);
    }
  });
  return totals;
}

/** Sums of decimal weights without binary noise (0.1 + 0.2): scores keep 6 decimals. */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
