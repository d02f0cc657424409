import { describe, expect, it } from 'vitest';
import { amountOf, pipelineFields, pipelinesOf, selectPipeline, stageApprovalDefinition, stageApprovalProcessId, parseStageApprovalProcess, staleSchedule } from '../../engine/domain/pipeline/index.js';
import type { Bundle, Pipeline } from '../../engine/domain/config/types.js';
import type { Calendar } from '../../engine/domain/calendar/index.js';

const p = (extra: Partial<Pipeline>): Pipeline => ({ entity: 'opportunity', field: 'stage', stages: [{ id: 'a' }, { id: 'b', approval: 'chain' }, { id: 'w', category: 'won' }], ...extra });
const bundle: Pick<Bundle, 'pipelines'> = {
  pipelines: {
    standard: p({}),
    project: p({ appliesWhen: "has(record.kind) && record.kind == 'project'" }),
    zebra: p({ appliesWhen: 'record.amount > 10' }),
    other: { ...p({}), entity: 'lead' },
  },
};

describe('selectPipeline', () => {
  it('orders pipelines with a rule first, then by name', () => {
    expect(pipelinesOf(bundle, 'opportunity').map((x) => x.name)).toEqual(['project', 'zebra', 'standard']);
  });
  const table: [string, Record<string, unknown>, string | null, string | null][] = [
    ['the rule that holds', { kind: 'project' }, null, 'project'],
    ['the second rule', { kind: 'x', amount: 11 }, null, 'zebra'],
    ['a rule that fails to evaluate does not apply', { kind: 'x' }, null, 'standard'],
    ['the default', { kind: 'x', amount: 1 }, null, 'standard'],
    ['a record keeps its pipeline', { kind: 'project' }, 'standard', 'standard'],
    ['a vanished pipeline is replaced', { kind: 'project' }, 'removed', 'project'],
  ];
  it.each(table)('%s', (_n, record, current, expected) => {
    expect(selectPipeline(bundle, 'opportunity', record, current)?.name ?? null).toBe(expected);
  });
  it('null for an entity without pipelines, or when no rule holds and there is no default', () => {
    expect(selectPipeline(bundle, 'quote', {})).toBeNull();
    expect(selectPipeline({ pipelines: { project: bundle.pipelines!.project } }, 'opportunity', {})).toBeNull();
  });
});

describe('stage approval processes', () => {
  it('derive a deterministic definition and business key from the pipeline', () => {
    expect(stageApprovalProcessId('standard', 'b', 'opportunity', 'r1')).toBe('stage-approval.standard.b:opportunity:r1');
    expect(parseStageApprovalProcess('stage-approval.standard.b')).toEqual({ pipeline: 'standard', stage: 'b' });
    expect(parseStageApprovalProcess('quote-approval')).toBeNull();
    expect(stageApprovalDefinition(bundle, 'stage-approval.standard.b')).toEqual({
      entity: 'opportunity',
      steps: [
        { id: 'approve', type: 'approval', chain: 'chain' },
        { id: 'route', type: 'decision', branches: [{ when: "vars.outcome == 'approved'", goto: 'move' }], otherwise: 'end' },
        { id: 'move', type: 'action', action: 'set', set: { stage: 'b' } },
        { id: 'end', type: 'end' },
      ],
    });
    expect(stageApprovalDefinition(bundle, 'stage-approval.standard.a')).toBeUndefined();
    expect(stageApprovalDefinition(bundle, 'stage-approval.nope.b')).toBeUndefined();
  });
});

describe('staleSchedule', () => {
  const day = [['09:00', '12:00'], ['13:00', '18:00']] as Calendar['workingHours']['mon'];
  const business: Calendar = { utcOffset: '+08:00', workingHours: { mon: day, tue: day, wed: day, thu: day, fri: day }, holidays: [] };
  const cn = (text: string) => new Date(`${text}+08:00`).toISOString();
  const stale = p({ stale: { after: 'PT16H', calendar: 'business', escalate: { after: 'PT8H', to: { managerOf: 'requester' } } } });
  it('counts the reminder and the escalation in working time', () => {
    expect(staleSchedule(stale, 'a', cn('2026-03-02T09:00'), business)).toEqual({
      remindAt: cn('2026-03-03T18:00'), escalateAt: cn('2026-03-04T18:00'), remind: 'owner', escalateTo: { managerOf: 'requester' },
    });
  });
  it('a stage limit overrides the pipeline limit; wall clock without a calendar', () => {
    const staged = { ...stale, stages: [{ id: 'a', staleAfter: 'P2D' }] };
    expect(staleSchedule(staged, 'a', '2026-03-02T01:00:00.000Z')?.remindAt).toBe('2026-03-04T01:00:00.000Z');
  });
  it('nothing for closed stages or without stale', () => {
    expect(staleSchedule(stale, 'w', cn('2026-03-02T09:00'), business)).toBeNull();
    expect(staleSchedule(p({}), 'a', cn('2026-03-02T09:00'))).toBeNull();
  });
});

describe('pipelineFields and amountOf', () => {
  it.each([
    [{}, { amount: 5 }, 5],
    [{}, { amount: { amount: 7.5, currency: 'CNY' } }, 7.5],
    [{}, { amount: { currency: 'CNY' } }, null],
    [{}, {}, null],
    [{ amountField: 'value' }, { value: 3, amount: 9 }, 3],
    [{}, { amount: '12' }, null],
  ])('%j reads %j as %j', (extra, data, expected) => {
    expect(amountOf(p(extra as Partial<Pipeline>), data)).toBe(expected);
  });
  it('defaults the field names and takes the reason fields', () => {
    expect(pipelineFields(p({}))).toEqual({ stage: 'stage', amount: 'amount', owner: 'owner', closeDate: 'closeDate' });
    expect(pipelineFields(p({ ownerField: 'rep', reasons: { won: 'why', lost: 'whyNot' } }))).toMatchObject({ owner: 'rep', wonReason: 'why', lostReason: 'whyNot' });
  });
});
