import { describe, expect, it } from 'vitest';
import { scoreCard } from '../../engine/domain/process/score.js';
import type { Scorecard } from '../../engine/domain/config/process-types.js';

const card: Scorecard = {
  items: [
    { id: 'assets', points: 30, weight: 0.5 },
    { id: 'history', points: 'computed', weight: 0.3 },
    { id: 'collateral', points: 10 },
  ],
  grades: [{ min: 0, grade: 'C' }, { min: 20, grade: 'B' }, { min: 40, grade: 'A' }],
};

describe('scorecards', () => {
  it.each([
    ['everything counts', { assets: 30, history: 50, collateral: 10 }, 40, 'A'],
    ['the history item gives nothing', { assets: 30, history: 0, collateral: 10 }, 25, 'B'],
    ['only collateral', { collateral: 10 }, 10, 'C'],
    ['exactly on a band', { assets: 30, collateral: 10, history: 16.666667 }, 30, 'B'],
    ['nothing', {}, 0, 'C'],
  ] as const)('%s', (_name, counted, total, grade) => {
    const result = scoreCard(card, (item) => {
      const points = (counted as Record<string, number>)[item.id];
      return points === undefined ? { counted: false, points: 0 } : { counted: true, points: item.id === 'history' ? points : Number(item.points) };
    });
    expect(result.total).toBe(total);
    expect(result.grade).toBe(grade);
    expect(result.items.map((i) => i.id)).toEqual(['assets', 'history', 'collateral']);
  });

  it('explains each item: counted, points, weight, weighted', () => {
    const result = scoreCard(card, (item) => ({ counted: item.id !== 'collateral', points: item.id === 'history' ? 10 : 30 }));
    expect(result.items).toEqual([
      { id: 'assets', counted: true, points: 30, weight: 0.5, weighted: 15 },
      { id: 'history', counted: true, points: 10, weight: 0.3, weighted: 3 },
      { id: 'collateral', counted: false, points: 0, weight: 1, weighted: 0 },
    ]);
    expect(result.total).toBe(18);
  });

  it('has no grade below the lowest band, and none without bands', () => {
    const banded: Scorecard = { items: [{ id: 'x', points: 5 }], grades: [{ min: 10, grade: 'ok' }] };
    expect(scoreCard(banded, () => ({ counted: true, points: 5 })).grade).toBeNull();
    expect(scoreCard({ items: [{ id: 'x', points: 5 }] }, () => ({ counted: true, points: 5 })).grade).toBeNull();
  });

  it('adds decimal weights without binary noise', () => {
    const tenths: Scorecard = { items: [{ id: 'a', points: 1, weight: 0.1 }, { id: 'b', points: 1, weight: 0.2 }] };
    expect(scoreCard(tenths, () => ({ counted: true, points: 1 })).total).toBe(0.3);
  });
});

describe('scorecard groups', () => {
  it('subtotal the weighted points of their items and of their sub-groups, an unknown group counting nowhere', () => {
    const grouped: Scorecard = {
      groups: [{ id: 'A' }, { id: 'A1', parent: 'A' }, { id: 'A2', parent: 'A' }, { id: 'B' }],
      items: [
        { id: 'a1-1', group: 'A1', points: 3 }, { id: 'a1-2', group: 'A1', points: 2, weight: 2 },
        { id: 'a2-1', group: 'A2', points: 4 }, { id: 'b-1', group: 'B', points: 1 }, { id: 'loose', points: 5 },
      ],
    };
    const result = scoreCard(grouped, (item) => ({ counted: true, points: Number(item.points) }));
    expect(result.groups).toEqual({ A: 11, A1: 7, A2: 4, B: 1 });
    expect(result.total).toBe(17);
  });

  it('are left out of the result of a scorecard without groups', () => {
    expect(scoreCard(card, () => ({ counted: true, points: 1 })).groups).toBeUndefined();
  });
});
