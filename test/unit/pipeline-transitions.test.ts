import { describe, expect, it } from 'vitest';
import { transitionProblem } from '../../engine/domain/pipeline/index.js';
import type { Pipeline } from '../../engine/domain/config/types.js';

const stages = [
  { id: 'lead' }, { id: 'qualified' }, { id: 'quote' }, { id: 'negotiation' },
  { id: 'won', category: 'won' as const }, { id: 'lost', category: 'lost' as const },
];
const linear = (transitions?: Pipeline['transitions']): Pipeline => ({ entity: 'opportunity', field: 'stage', stages, transitions });
const branching: Pipeline = {
  entity: 'opportunity', field: 'stage',
  stages: [{ id: 'lead', next: ['quote'] }, { id: 'qualified' }, { id: 'quote', next: ['lead'] }, { id: 'won', category: 'won' }],
};

describe('transitionProblem', () => {
  // [pipeline, from, to, expected rule or null]
  const table: [string, Pipeline, string | null, string, string | null][] = [
    ['next stage', linear(), 'lead', 'qualified', null],
    ['same stage is no move', linear(), 'quote', 'quote', null],
    ['skip forbidden by default', linear(), 'lead', 'quote', 'skip'],
    ['skip over two stages', linear(), 'lead', 'negotiation', 'skip'],
    ['skip allowed', linear({ skip: true }), 'lead', 'negotiation', null],
    ['back allowed by default', linear(), 'negotiation', 'lead', null],
    ['back forbidden', linear({ back: false }), 'quote', 'qualified', 'back'],
    ['closing from any open stage', linear(), 'lead', 'won', null],
    ['losing from any open stage', linear({ back: false }), 'negotiation', 'lost', null],
    ['won to lost: closed', linear(), 'won', 'lost', 'closed'],
    ['leaving won: closed', linear({ back: true, skip: true }), 'won', 'negotiation', 'closed'],
    ['reopen allowed', linear({ reopen: true }), 'lost', 'lead', null],
    ['unknown target', linear(), 'lead', 'nowhere', 'unknown-stage'],
    ['create in the first stage', linear(), null, 'lead', null],
    ['create in the second stage', linear(), null, 'qualified', null],
    ['create two stages in: skip', linear(), null, 'quote', 'skip'],
    ['create closed', linear(), null, 'lost', null],
    ['unknown stored stage moves anywhere', linear(), 'retired-stage', 'quote', null],
    ['explicit next allowed', branching, 'lead', 'quote', null],
    ['explicit next refuses the list neighbour', branching, 'lead', 'qualified', 'next'],
    ['explicit next allows closing', branching, 'lead', 'won', null],
    ['explicit next back', branching, 'quote', 'lead', null],
    ['without next: list order', branching, 'qualified', 'quote', null],
  ];
  it.each(table)('%s', (_name, pipeline, from, to, rule) => {
    const problem = transitionProblem(pipeline, from, to);
    expect(problem?.rule ?? null).toBe(rule);
    if (problem) expect(problem.message).toMatch(/"/);
  });

  it('names the skipped stages', () => {
    expect(transitionProblem(linear(), 'lead', 'negotiation')?.message).toBe('moving from "lead" to "negotiation" would skip "qualified", "quote"');
  });
});
