import { describe, expect, it } from 'vitest';
import { stageTaskDefinition, stageTaskProcessName } from '../../engine/domain/pipeline/index.js';
import type { Bundle, Pipeline, StageTask } from '../../engine/domain/config/types.js';

const title = { en: 'Prepare the quote', zh: '准备报价' };
const pipeline = (task: StageTask, extra: Partial<Pipeline> = {}): Pipeline => ({
  entity: 'opportunity', field: 'stage', stages: [{ id: 'lead' }, { id: 'quote', onEnter: { createTask: task } }], ...extra,
});
const definition = (p: Pipeline) => stageTaskDefinition({ pipelines: { sales: p } } as Pick<Bundle, 'pipelines'>, stageTaskProcessName('sales', 'quote'));

describe('stage task processes', () => {
  it('are named after the pipeline and the stage', () => {
    expect(stageTaskProcessName('sales', 'quote')).toBe('stage-task.sales.quote');
  });

  const table: [string, Pipeline, Record<string, unknown>][] = [
    ['the owner field by default', pipeline({ title }), { assignee: { field: 'owner' } }],
    ['"owner" reads the pipeline\'s ownerField', pipeline({ title, assignee: 'owner' }, { ownerField: 'rep' }), { assignee: { field: 'rep' } }],
    ['an approver spec as assignee', pipeline({ title, assignee: { role: 'sales-manager' } }), { assignee: { role: 'sales-manager' } }],
    ['candidates instead of an assignee', pipeline({ title, candidates: [{ role: 'sales' }] }), { candidates: [{ role: 'sales' }] }],
    ['due on its own calendar', pipeline({ title, due: 'PT8H', calendar: 'cn' }, { stale: { after: 'PT40H', calendar: 'business' } }), { assignee: { field: 'owner' }, due: 'PT8H', calendar: 'cn' }],
    ['due on the stale calendar by default', pipeline({ title, due: 'PT8H' }, { stale: { after: 'PT40H', calendar: 'business' } }), { assignee: { field: 'owner' }, due: 'PT8H', calendar: 'business' }],
    ['due in wall-clock time without a calendar', pipeline({ title, due: 'P1D' }), { assignee: { field: 'owner' }, due: 'P1D' }],
  ];
  it.each(table)('one task step, then the end: %s', (_name, p, who) => {
    expect(definition(p)).toEqual({
      entity: 'opportunity',
      steps: [{ id: 'task', type: 'task', title, ...who }, { id: 'end', type: 'end' }],
    });
  });

  it('do not exist for a stage without createTask, another prefix or an unknown pipeline', () => {
    const bundle = { pipelines: { sales: pipeline({ title }) } } as Pick<Bundle, 'pipelines'>;
    expect(stageTaskDefinition(bundle, 'stage-task.sales.lead')).toBeUndefined();
    expect(stageTaskDefinition(bundle, 'stage-task.nope.quote')).toBeUndefined();
    expect(stageTaskDefinition(bundle, 'stage-approval.sales.quote')).toBeUndefined();
    expect(stageTaskDefinition(bundle, 'stage-task.sales.quote.extra')).toBeUndefined();
  });
});
