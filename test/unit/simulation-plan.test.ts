import { describe, expect, it } from 'vitest';
import { DomainError } from '../../engine/domain/errors.js';
import { buildRunInput } from '../../engine/domain/process/run-input.js';
import { planSimulation, untilInstant, instantAfter, type SimulationRequest } from '../../engine/simulation/request.js';
import { runSettled, standingOf, type WorkflowStanding } from '../../engine/simulation/history.js';

const bundle = {
  approvalChains: {
    'manager-ok': { entity: 'expense', entry: 'record.amount > 0.0', steps: [{ id: 'manager', approvers: { managerOf: 'requester' } }] },
    unused: { entity: 'expense', steps: [{ id: 'nobody', approvers: { user: 'admin' } }] },
  },
  calendars: { business: { timezone: 'UTC' } },
  processes: {
    claim: {
      entity: 'expense', steps: [
        { id: 'approve', type: 'approval', chain: 'manager-ok' },
        { id: 'receipts', type: 'task', title: { en: 'Receipts' }, assignee: 'requester', form: { schema: { type: 'object', required: ['count'], properties: { count: { type: 'integer', minimum: 1 } } } } },
        { id: 'loop', type: 'loop', max: 2, steps: [{ id: 'check', type: 'task', title: { en: 'Check' }, candidates: { role: 'finance' }, outcomes: ['ok', 'redo'] }] },
        { id: 'paid', type: 'event', event: 'payment_received', boundary: [{ event: 'cancelled', goto: 'end' }] },
        { id: 'end', type: 'end' },
      ],
    },
    // runs claim as a sub-process, and starts a follow-up run of its own
    parent: {
      entity: 'expense', steps: [
        { id: 'prep', type: 'task', title: { en: 'Prepare' }, assignee: 'requester' },
        { id: 'claim-it', type: 'subprocess', process: 'claim' },
        { id: 'follow-up', type: 'action', action: 'startProcess', process: 'follow-up' },
      ],
    },
    'follow-up': { entity: 'expense', steps: [{ id: 'call', type: 'task', title: { en: 'Call' }, assignee: 'requester' }, { id: 'answered', type: 'event', event: 'customer_reply' }] },
  },
};

const request = (script: SimulationRequest['script'], extra: Partial<SimulationRequest> = {}): SimulationRequest => ({ process: 'claim', record: { amount: 5 }, script, ...extra });

const parent = (script: SimulationRequest['script']): SimulationRequest => ({ process: 'parent', record: { amount: 5 }, script });

function problems(run: () => unknown): { code: string; paths: string[] } {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, paths: error.details.map((d) => d.path).sort() };
    throw error;
  }
  return { code: 'NONE', paths: [] };
}

describe('planSimulation: the script is checked against the process before anything runs', () => {
  const rows: { name: string; req: SimulationRequest; code: string; paths: string[] }[] = [
    { name: 'a valid script', req: request({ tasks: [{ step: 'manager' }, { step: 'receipts', data: { count: 2 } }, { step: 'check', outcome: 'ok' }], events: [{ name: 'payment_received', after: 'P3D' }] }), code: 'NONE', paths: [] },
    { name: 'the approval step itself stands for its chain', req: request({ tasks: [{ step: 'approve', outcome: 'reject' }] }), code: 'NONE', paths: [] },
    { name: 'a boundary event is awaited too', req: request({ events: [{ name: 'cancelled', after: 'PT1H' }] }), code: 'NONE', paths: [] },
    { name: 'an unknown step', req: request({ tasks: [{ step: 'nope' }] }), code: 'VALIDATION_FAILED', paths: ['/script/tasks/0/step'] },
    { name: 'a step of a chain the process does not run', req: request({ tasks: [{ step: 'nobody' }] }), code: 'VALIDATION_FAILED', paths: ['/script/tasks/0/step'] },
    { name: 'a step that is no task', req: request({ tasks: [{ step: 'paid' }] }), code: 'VALIDATION_FAILED', paths: ['/script/tasks/0/step'] },
    { name: 'an outcome the task does not take', req: request({ tasks: [{ step: 'check', outcome: 'maybe' }] }), code: 'VALIDATION_FAILED', paths: ['/script/tasks/0/outcome'] },
    { name: 'no outcome for a task with several', req: request({ tasks: [{ step: 'check' }] }), code: 'VALIDATION_FAILED', paths: ['/script/tasks/0/outcome'] },
    { name: 'an approval outcome that does not exist', req: request({ tasks: [{ step: 'manager', outcome: 'ok' }] }), code: 'VALIDATION_FAILED', paths: ['/script/tasks/0/outcome'] },
    { name: 'form data the form refuses', req: request({ tasks: [{ step: 'receipts', data: { count: 0 } }] }), code: 'VALIDATION_FAILED', paths: ['/script/tasks/0/data/count'] },
    { name: 'form data missing a required answer', req: request({ tasks: [{ step: 'receipts' }] }), code: 'VALIDATION_FAILED', paths: ['/script/tasks/0/data/count'] },
    { name: 'a bad duration', req: request({ tasks: [{ step: 'manager', after: '2 days' }] }), code: 'VALIDATION_FAILED', paths: ['/script/tasks/0/after'] },
    { name: 'an event nobody waits for', req: request({ events: [{ name: 'shipped', after: 'P1D' }] }), code: 'VALIDATION_FAILED', paths: ['/script/events/0/name'] },
    { name: 'a bad until', req: request({}, { until: 'later' }), code: 'VALIDATION_FAILED', paths: ['/until'] },
    { name: 'a record edit with a bad duration', req: request({ records: [{ after: 'tomorrow', set: { amount: 6 } }] }), code: 'VALIDATION_FAILED', paths: ['/script/records/0/after'] },
    { name: 'an unknown process', req: { ...request({}), process: 'nope' }, code: 'NOT_FOUND', paths: ['/process'] },
    { name: 'too many entries', req: request({ events: Array.from({ length: 201 }, () => ({ name: 'cancelled', after: 'P1D' })) }), code: 'SIMULATION_LIMIT', paths: ['/script'] },
    {
      name: 'every problem at once', req: request({ tasks: [{ step: 'nope' }, { step: 'check', outcome: 'x', after: 'soon' }], events: [{ name: 'x', after: 'P1D' }] }),
      code: 'VALIDATION_FAILED', paths: ['/script/events/0/name', '/script/tasks/0/step', '/script/tasks/1/after', '/script/tasks/1/outcome'],
    },
    // a script of `parent` reaches the runs it starts by naming their process
    { name: 'a task of a sub-process, named by its process', req: parent({ tasks: [{ step: 'prep' }, { process: 'claim', step: 'receipts', data: { count: 1 } }, { process: 'claim', step: 'manager' }] }), code: 'NONE', paths: [] },
    { name: 'a task and an event of a run a startProcess action starts', req: parent({ tasks: [{ process: 'follow-up', step: 'call' }], events: [{ process: 'follow-up', name: 'customer_reply', after: 'P1D' }] }), code: 'NONE', paths: [] },
    { name: 'the event of a sub-process, named by its process', req: parent({ events: [{ process: 'claim', name: 'payment_received', after: 'P1D' }] }), code: 'NONE', paths: [] },
    { name: 'a sub-process task without its process', req: parent({ tasks: [{ step: 'receipts', data: { count: 1 } }] }), code: 'VALIDATION_FAILED', paths: ['/script/tasks/0/step'] },
    { name: 'a sub-process event without its process', req: parent({ events: [{ name: 'payment_received', after: 'P1D' }] }), code: 'VALIDATION_FAILED', paths: ['/script/events/0/name'] },
    { name: 'an unknown step of a sub-process', req: parent({ tasks: [{ process: 'claim', step: 'prep' }] }), code: 'VALIDATION_FAILED', paths: ['/script/tasks/0/step'] },
    { name: 'a sub-process form checked too', req: parent({ tasks: [{ process: 'claim', step: 'receipts', data: { count: 0 } }] }), code: 'VALIDATION_FAILED', paths: ['/script/tasks/0/data/count'] },
    { name: 'a process the run does not start', req: parent({ tasks: [{ process: 'dunning', step: 'prep' }], events: [{ process: 'dunning', name: 'x', after: 'P1D' }] }), code: 'VALIDATION_FAILED', paths: ['/script/events/0/process', '/script/tasks/0/process'] },
    { name: 'an event a sub-process does not wait for', req: parent({ events: [{ process: 'claim', name: 'customer_reply', after: 'P1D' }] }), code: 'VALIDATION_FAILED', paths: ['/script/events/0/name'] },
  ];
  for (const row of rows) {
    it(row.name, () => expect(problems(() => planSimulation(bundle, row.req))).toEqual({ code: row.code, paths: row.paths }));
  }

  it('says which process started by the run has a step the simulated process lacks', () => {
    try {
      planSimulation(bundle, parent({ tasks: [{ step: 'receipts', data: { count: 1 } }] }));
      expect.unreachable();
    } catch (error) {
      expect((error as DomainError).details).toEqual([{ path: '/script/tasks/0/step', message: 'process parent has no task or approval step "receipts"; it is in claim, which the run starts: name it in "process"' }]);
    }
    const plan = planSimulation(bundle, parent({ tasks: [{ process: 'claim', step: 'check', outcome: 'ok' }, { step: 'prep' }] }));
    expect(plan.entries.map((e) => [e.kind, 'process' in e ? e.process : undefined, 'step' in e ? e.step : undefined])).toEqual([['task', 'claim', 'check'], ['task', undefined, 'prep']]);
  });

  it('keeps the entries in script order with their pointers and defaults', () => {
    const plan = planSimulation(bundle, request({
      tasks: [{ step: 'manager' }, { step: 'receipts', data: { count: 1 }, after: 'P1D' }],
      events: [{ name: 'payment_received', after: 'P2D', payload: { amount: 5 } }], records: [{ after: 'P3D', set: { amount: 7 } }],
    }));
    expect(plan.entries).toEqual([
      expect.objectContaining({ kind: 'task', step: 'manager', approval: true, outcome: 'approve', path: '/script/tasks/0', order: 0 }),
      expect.objectContaining({ kind: 'task', step: 'receipts', approval: false, outcome: 'complete', data: { count: 1 }, path: '/script/tasks/1', order: 1, after: 'P1D' }),
      expect.objectContaining({ kind: 'event', name: 'payment_received', payload: { amount: 5 }, path: '/script/events/0', order: 2, after: 'P2D' }),
      expect.objectContaining({ kind: 'record', set: { amount: 7 }, path: '/script/records/0', order: 3, after: 'P3D' }),
    ]);
    expect(plan.until).toBe('P365D');
  });
});

describe('simulated instants', () => {
  const start = '2026-01-31T09:00:00.000Z';
  const rows: [string | undefined, string][] = [[undefined, start], ['PT90M', '2026-01-31T10:30:00.000Z'], ['P1D', '2026-02-01T09:00:00.000Z'], ['P1M', '2026-02-28T09:00:00.000Z'], ['P90D', '2026-05-01T09:00:00.000Z']];
  for (const [after, expected] of rows) it(`${after ?? 'no after'} from the start`, () => expect(new Date(instantAfter(start, after)).toISOString()).toBe(expected));

  it('bounds the window: after the start, at most three years', () => {
    expect(new Date(untilInstant(start, 'P365D')).toISOString()).toBe('2027-01-31T09:00:00.000Z');
    expect(new Date(untilInstant(start, '2026-03-01T00:00:00Z')).toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(problems(() => untilInstant(start, '2025-01-01T00:00:00Z'))).toEqual({ code: 'VALIDATION_FAILED', paths: ['/until'] });
    expect(problems(() => untilInstant(start, 'P1100D'))).toEqual({ code: 'SIMULATION_LIMIT', paths: ['/until'] });
  });
});

describe('standingOf: where a workflow stands, from its history', () => {
  const t = (seconds: number) => ({ seconds, nanos: 0 });
  const ev = (eventId: number, attrs: Record<string, unknown>, at = 100) => ({ eventId, eventTime: t(at), ...attrs });
  const started = ev(1, { workflowExecutionStartedEventAttributes: {} });
  const wftDone = (id: number) => [ev(id, { workflowTaskScheduledEventAttributes: {} }), ev(id + 1, { workflowTaskStartedEventAttributes: {} }), ev(id + 2, { workflowTaskCompletedEventAttributes: {} })];
  const childStarted = ev(6, { childWorkflowExecutionStartedEventAttributes: { initiatedEventId: 5, workflowExecution: { workflowId: 'p:approve' } } });
  const rows: { name: string; events: any[]; expected: ReturnType<typeof standingOf> }[] = [
    { name: 'a workflow task in flight', events: [started, ev(2, { workflowTaskScheduledEventAttributes: {} })], expected: { closed: false, settled: false, timers: [], children: [], runningChildren: [] } },
    { name: 'waiting on a timer', events: [started, ...wftDone(2), ev(5, { timerStartedEventAttributes: { startToFireTimeout: t(60), workflowTaskCompletedEventId: 4 } })], expected: { closed: false, settled: true, timers: [160_000], children: [], runningChildren: [] } },
    {
      name: 'a fired and a cancelled timer are gone',
      events: [started, ...wftDone(2), ev(5, { timerStartedEventAttributes: { startToFireTimeout: t(60), workflowTaskCompletedEventId: 4 } }), ev(6, { timerStartedEventAttributes: { startToFireTimeout: t(90), workflowTaskCompletedEventId: 4 } }),
        ev(7, { timerFiredEventAttributes: { startedEventId: 5 } }), ...wftDone(8), ev(11, { timerCanceledEventAttributes: { startedEventId: 6, workflowTaskCompletedEventId: 10 } })],
      expected: { closed: false, settled: true, timers: [], children: [], runningChildren: [] },
    },
    {
      name: 'a child being started', events: [started, ...wftDone(2), ev(5, { startChildWorkflowExecutionInitiatedEventAttributes: { workflowId: 'p:approve', workflowTaskCompletedEventId: 4 } })],
      expected: { closed: false, settled: false, timers: [], children: ['p:approve'], runningChildren: [] },
    },
    {
      name: 'a child running', events: [started, ...wftDone(2), ev(5, { startChildWorkflowExecutionInitiatedEventAttributes: { workflowId: 'p:approve', workflowTaskCompletedEventId: 4 } }), childStarted, ...wftDone(7)],
      expected: { closed: false, settled: true, timers: [], children: ['p:approve'], runningChildren: ['p:approve'] },
    },
    {
      name: 'a timer fired, its workflow task not scheduled yet',
      events: [started, ...wftDone(2), ev(5, { timerStartedEventAttributes: { startToFireTimeout: t(60), workflowTaskCompletedEventId: 4 } }), ev(6, { timerFiredEventAttributes: { startedEventId: 5 } })],
      expected: { closed: false, settled: false, timers: [], children: [], runningChildren: [] },
    },
    {
      name: 'a child ended, the parent not told yet',
      events: [started, ...wftDone(2), ev(5, { startChildWorkflowExecutionInitiatedEventAttributes: { workflowId: 'p:approve', workflowTaskCompletedEventId: 4 } }),
        childStarted, ...wftDone(7), ev(10, { childWorkflowExecutionCompletedEventAttributes: { initiatedEventId: 5 } })],
      expected: { closed: false, settled: false, timers: [], children: ['p:approve'], runningChildren: [] },
    },
    {
      name: 'a signal to another workflow not delivered yet',
      events: [started, ...wftDone(2), ev(5, { signalExternalWorkflowExecutionInitiatedEventAttributes: { workflowTaskCompletedEventId: 4 } })],
      expected: { closed: false, settled: false, timers: [], children: [], runningChildren: [] },
    },
    {
      name: 'a cancellation sent to a child, delivered and answered',
      events: [started, ...wftDone(2), ev(5, { requestCancelExternalWorkflowExecutionInitiatedEventAttributes: { workflowTaskCompletedEventId: 4 } }),
        ev(6, { externalWorkflowExecutionCancelRequestedEventAttributes: { initiatedEventId: 5 } }), ...wftDone(7)],
      expected: { closed: false, settled: true, timers: [], children: [], runningChildren: [] },
    },
    {
      name: 'an update answered with the workflow task',
      events: [started, ...wftDone(2), ev(5, { workflowExecutionUpdateAcceptedEventAttributes: {} }), ev(6, { workflowExecutionUpdateCompletedEventAttributes: {} })],
      expected: { closed: false, settled: true, timers: [], children: [], runningChildren: [] },
    },
    { name: 'completed', events: [started, ...wftDone(2), ev(5, { workflowExecutionCompletedEventAttributes: {} })], expected: { closed: true, settled: true, timers: [], children: [], runningChildren: [] } },
    { name: 'continued as new: not the end, read the next run', events: [started, ...wftDone(2), ev(5, { workflowExecutionContinuedAsNewEventAttributes: {} })], expected: { closed: false, settled: false, timers: [], children: [], runningChildren: [] } },
  ];
  for (const row of rows) it(row.name, () => expect(standingOf(row.events)).toEqual(row.expected));
});

describe('runSettled: a run is idle only when its workflows, read one after another, agree', () => {
  const standing = (over: Partial<WorkflowStanding>): WorkflowStanding => ({ closed: false, settled: true, timers: [], children: [], runningChildren: [], ...over });
  const waitingParent = { id: 'p', standing: standing({ children: ['p:approve'], runningChildren: ['p:approve'] }) };
  const rows: { name: string; standings: { id: string; standing: WorkflowStanding }[]; closed: string[]; expected: boolean }[] = [
    { name: 'parent waits on a child that waits for a task', standings: [waitingParent, { id: 'p:approve', standing: standing({}) }], closed: [], expected: true },
    // the race: the parent was read before the child ended, the child after
    { name: 'child read closed, parent read still waiting on it', standings: [waitingParent, { id: 'p:approve', standing: standing({ closed: true }) }], closed: ['p:approve'], expected: false },
    { name: 'child closed in an earlier round, parent not told yet', standings: [waitingParent], closed: ['p:approve'], expected: false },
    { name: 'parent told: the child no longer runs', standings: [{ id: 'p', standing: standing({ children: ['p:approve'] }) }], closed: ['p:approve'], expected: true },
    { name: 'one workflow busy', standings: [waitingParent, { id: 'p:approve', standing: standing({ settled: false }) }], closed: [], expected: false },
  ];
  for (const row of rows) it(row.name, () => expect(runSettled(row.standings, new Set(row.closed))).toBe(row.expected));
});

describe('buildRunInput: the workflow input from a bundle and a record', () => {
  it('takes the chains the definition uses and nothing else, under the business key', () => {
    const input = buildRunInput(bundle, 7, { process: 'claim', recordId: 'r1', requester: 'sales1' }, { amount: 5 }, { historyLimit: 50 });
    expect(input).toMatchObject({ processId: 'claim:expense:r1', configVersion: 7, entity: 'expense', requester: 'sales1', historyLimit: 50, calendars: bundle.calendars, decisionTables: {} });
    expect(Object.keys(input.chains)).toEqual(['manager-ok']);
  });
  it('refuses a record the first approval chain does not admit, another entity, an unknown process', () => {
    expect(problems(() => buildRunInput(bundle, 1, { process: 'claim', recordId: 'r1', requester: 'sales1' }, { amount: 0 }))).toEqual({ code: 'ENTRY_CRITERIA_NOT_MET', paths: ['/recordId'] });
    expect(problems(() => buildRunInput(bundle, 1, { process: 'claim', entity: 'quote', recordId: 'r1', requester: 'sales1' }, {}))).toEqual({ code: 'VALIDATION_FAILED', paths: ['/entity'] });
    expect(problems(() => buildRunInput(bundle, 1, { process: 'nope', recordId: 'r1', requester: 'sales1' }, {}))).toEqual({ code: 'NOT_FOUND', paths: ['/process'] });
  });
});
