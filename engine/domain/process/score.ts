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
  return { total, grade: band?.grade ?? null, items };
}

/** Sums of decimal weights without binary noise (0.1 + 0.2): scores keep 6 decimals. */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
